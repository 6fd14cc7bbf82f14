//! A member's personal iCalendar feed: its token (`calendar_tokens`) and the events it lists.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::event::{Event, RsvpStatus};
use entraide_domain::group::Reader;
use entraide_domain::ids::{EventId, MemberId};
use entraide_domain::member::MemberKind;

use super::event::{EventRow, readable_by};
use super::rsvps::rsvps_of;
use crate::connection::DbConnection;
use crate::convert::{parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{calendar_tokens, event_rsvps, events, members};

/// Replaces the member's calendar token (its SHA-256): the previous one stops working.
pub fn set_calendar_token(
    conn: &mut DbConnection,
    member: MemberId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(calendar_tokens::table.find(member.to_string())).execute(conn)?;
    diesel::insert_into(calendar_tokens::table)
        .values((
            calendar_tokens::member_id.eq(member.to_string()),
            calendar_tokens::token_hash.eq(token_hash),
            calendar_tokens::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Revokes the member's calendar token, if any (after a password change, with the other
/// sessions): a feed URL is a credential too.
pub fn revoke_calendar_token(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<(), PersistenceError> {
    diesel::delete(calendar_tokens::table.find(member.to_string())).execute(conn)?;
    Ok(())
}

/// The member a calendar token belongs to, with their kind now.
pub fn calendar_owner(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(MemberId, MemberKind)>, PersistenceError> {
    calendar_tokens::table
        .inner_join(members::table.on(members::id.eq(calendar_tokens::member_id)))
        .filter(calendar_tokens::token_hash.eq(token_hash))
        .select((members::id, members::kind))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(id, kind)| Ok((parse_id(&id)?, parse_enum(&kind, MemberKind::parse)?)))
        .transpose()
}

/// The most events a calendar feed holds.
pub const MAX_CALENDAR_EVENTS: i64 = 500;

/// The events a member is going to or interested in, that they may still see, newest first.
pub fn calendar_of(
    conn: &mut DbConnection,
    member: MemberId,
    kind: MemberKind,
) -> Result<Vec<(Event, RsvpStatus)>, PersistenceError> {
    let me = member.to_string();
    let reader = Reader::Member { id: member, kind };
    let answered = event_rsvps::table
        .filter(event_rsvps::member_id.eq(me))
        .filter(
            event_rsvps::status
                .eq(RsvpStatus::Going.as_str())
                .or(event_rsvps::status.eq(RsvpStatus::Interested.as_str())),
        )
        .select(event_rsvps::event_id);
    let found: Vec<Event> = events::table
        .filter(events::id.eq_any(answered))
        .filter(readable_by(reader))
        .select(EventRow::as_select())
        .order(events::starts_at.desc())
        .limit(MAX_CALENDAR_EVENTS)
        .load::<EventRow>(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect::<Result<_, _>>()?;
    let ids: Vec<EventId> = found.iter().map(|e| e.id).collect();
    let answers = rsvps_of(conn, &ids, member)?;
    Ok(found
        .into_iter()
        .filter_map(|event| {
            let status = answers
                .iter()
                .find(|(id, _)| *id == event.id)
                .map(|(_, s)| *s)?;
            Some((event, status))
        })
        .collect())
}
