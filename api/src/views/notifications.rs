//! What a member sees of their notifications: only those that pass the read policy now
//! (`persistence::notifications::visible`), with the actors' current pseudonyms. The unread
//! count counts exactly what the list would show.

use entraide_domain::group::Reader;
use entraide_domain::notification::Notification;
use entraide_openapi::notifications::NotificationItem;
use entraide_persistence::notifications::{self, visible};
use entraide_persistence::{DbConnection, members};
use uuid::Uuid;

use crate::convert::notifications as convert;
use crate::error::ApiError;

/// At most this many stored rows are read to fill one page: a page of mostly invisible
/// notifications ends early (its cursor carries on from there).
const MAX_SCANNED_PER_PAGE: i64 = 1000;

/// The wire items of `stored`, those `reader` may see now, in order: two queries for actors
/// plus those of `visible`.
pub(crate) fn items(
    conn: &mut DbConnection,
    reader: Reader,
    stored: Vec<Notification>,
) -> Result<Vec<NotificationItem>, ApiError> {
    let shown = visible(conn, reader, stored)?;
    let mut actors: Vec<_> = shown.iter().filter_map(|n| n.actor).collect();
    actors.sort_unstable();
    actors.dedup();
    let summaries = members::summaries(conn, &actors)?;
    Ok(shown
        .into_iter()
        .map(|n| {
            let actor = n.actor.and_then(|a| {
                summaries
                    .iter()
                    .find(|(id, _, _, _)| *id == a)
                    .map(|(id, pseudonym, _, _)| (*id, pseudonym))
            });
            convert::item(n, actor)
        })
        .collect())
}

/// Up to `fetch` visible notifications after the cursor (newest first), reading stored rows in
/// batches until enough pass or none are left. The id of the last row read is returned with
/// the items, so that the next page starts after what this one skipped.
pub(crate) fn page(
    conn: &mut DbConnection,
    reader: Reader,
    unread_only: bool,
    mut before: Option<Uuid>,
    fetch: i64,
) -> Result<Vec<NotificationItem>, ApiError> {
    let Some(me) = reader.member_id() else {
        return Ok(Vec::new());
    };
    let wanted = usize::try_from(fetch).map_err(ApiError::internal)?;
    let mut found = Vec::new();
    let mut scanned: i64 = 0;
    while found.len() < wanted && scanned < MAX_SCANNED_PER_PAGE {
        let batch = notifications::page(conn, me, unread_only, before, fetch)?;
        let read = i64::try_from(batch.len()).map_err(ApiError::internal)?;
        scanned = scanned.saturating_add(read);
        let Some(last) = batch.last().map(|n| n.id) else {
            break;
        };
        before = Some(last);
        found.extend(items(conn, reader, batch)?);
        if read < fetch {
            break;
        }
    }
    found.truncate(wanted);
    Ok(found)
}

/// How many unread notifications `reader` would see listed.
pub(crate) fn unread_count(conn: &mut DbConnection, reader: Reader) -> Result<u64, ApiError> {
    let Some(me) = reader.member_id() else {
        return Ok(0);
    };
    let unread = notifications::unread(conn, me)?;
    let shown = visible(conn, reader, unread)?;
    u64::try_from(shown.len()).map_err(ApiError::internal)
}
