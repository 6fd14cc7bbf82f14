//! Events: who may see an event and who may manage it.

use entraide_domain::association::AssociationStatus;
use entraide_domain::event::{Event, Host, Place, can_create, can_manage};
use entraide_domain::group::{Reader, reading};
use entraide_domain::ids::{EventId, MemberId};
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{DbConnection, associations, events, groups};

use crate::access::associations::load as load_association;
use crate::error::ApiError;
use crate::extractors::AuthMember;

/// The actor's standing where the event lives.
pub(crate) fn host_of(
    conn: &mut DbConnection,
    place: Place,
    actor: Option<MemberId>,
) -> Result<Host, ApiError> {
    Ok(match (place, actor) {
        (Place::Group(group), actor) => {
            let found = groups::find(conn, group)?.ok_or(ApiError::NotFound)?;
            let membership = match actor {
                Some(actor) => groups::membership(conn, group, actor)?,
                None => None,
            };
            Host::Group {
                membership,
                members_can_create: found.members_can_create_events,
            }
        }
        (Place::Association(association), Some(actor)) => {
            Host::Association(associations::membership(conn, association, actor)?)
        }
        (Place::Association(_), None) => Host::Association(None),
        (Place::Personal, _) => Host::Personal,
    })
}

/// The event if `reader` may see it; 404 otherwise (whether or not it exists).
pub(crate) fn readable_event(
    conn: &mut DbConnection,
    reader: Reader,
    id: EventId,
) -> Result<Event, ApiError> {
    events::find_readable(conn, reader, id)?.ok_or(ApiError::NotFound)
}

/// The event if `actor` may manage it: 404 when they may not see it, 403 when they may see
/// but not manage it.
pub(crate) fn managed_event(
    conn: &mut DbConnection,
    reader: Reader,
    actor: MemberId,
    id: EventId,
) -> Result<Event, ApiError> {
    let event = readable_event(conn, reader, id)?;
    let host = host_of(conn, event.place, Some(actor))?;
    can_manage(actor, event.organizer_id, host)?;
    Ok(event)
}

/// May `member` create an event at `place`? In a group they may read, as its staff (or any
/// member when the group allows it: 403 `cannot_create_events` otherwise); for a verified
/// association, as its admin or volunteer (403 `not_association_staff`,
/// `association_not_verified`); anyone for themselves. 404 when the group or association does
/// not exist.
pub(crate) fn require_host(
    conn: &mut DbConnection,
    place: Place,
    member: AuthMember,
) -> Result<(), ApiError> {
    match place {
        Place::Group(group) => {
            let found =
                entraide_persistence::groups::find(conn, group)?.ok_or(ApiError::NotFound)?;
            let host = host_of(conn, place, Some(member.id))?;
            let Host::Group { membership, .. } = host else {
                return Err(ApiError::internal("group host expected"));
            };
            reading(
                found.visibility,
                found.audience,
                member.reader(),
                membership,
            )?;
            can_create(host)?;
        }
        Place::Association(association) => {
            let (found, membership) = load_association(conn, association, Some(member.id))?;
            can_create(Host::Association(membership))?;
            if found.status != AssociationStatus::Verified {
                return Err(ApiError::Refused {
                    code: ProblemCode::AssociationNotVerified,
                });
            }
        }
        Place::Personal => {}
    }
    Ok(())
}
