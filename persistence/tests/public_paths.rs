//! The paths other crates reach persistence by. `resources`, `events` and `places` were split
//! into files (and the editor right moved to `editors`): their items must stay where callers
//! find them. This file stops compiling when one moves.

use entraide_persistence::{dialect, editors, events, places, resources, search};

#[test]
fn split_modules_keep_their_public_paths() {
    // Functions, as values: each path must resolve.
    let _ = (
        resources::insert_committee,
        resources::find_committee,
        resources::committees_by_id,
        resources::list_committees,
        resources::set_committee_member,
        resources::expertise_in,
        resources::expertise_of,
        resources::reviewers,
        resources::insert,
        resources::set_conditions,
        resources::insert_version,
        resources::update_version,
    );
    let _ = (
        resources::find,
        resources::version,
        resources::versions,
        resources::versions_of,
        resources::set_status,
        resources::publish,
        resources::add_review,
        resources::reviews,
        resources::reviews_of,
        resources::list_published,
        resources::queue,
        resources::set_audience,
    );
    let _ = resources::revalidate;
    let _ = (
        events::insert,
        events::find,
        events::find_readable,
        events::find_readable_many,
        events::list_single,
        events::list_series,
        events::update,
        events::cancel,
        events::rsvp_of,
        events::rsvps_of,
        events::set_rsvp,
        events::attendees,
    );
    let _ = (
        events::set_calendar_token,
        events::revoke_calendar_token,
        events::calendar_owner,
        events::calendar_of,
    );
    let _ = (
        places::insert,
        places::update,
        places::find,
        places::find_many,
        places::search,
        places::grant_editor,
        places::revoke_editor,
        places::is_editor,
        places::editor_grant,
        editors::grant_editor,
        editors::revoke_editor,
        editors::is_editor,
    );
    let _ = (
        editors::editor_grant,
        search::candidates,
        search::Scan::new,
        search::Scan::next_batch,
        search::Scan::resume,
        dialect::search_fts,
        dialect::search_top,
        dialect::search_walk,
        dialect::search_probe,
    );
    // Types and constants.
    let _: Option<(
        resources::Reviewer,
        resources::NewResource,
        resources::ResourceFilter,
    )> = None;
    let _: Option<(
        events::EventQuery,
        events::EventKey,
        events::SeriesSchedule,
        events::Attendee,
    )> = None;
    let _: Option<(places::PlaceFilter, places::PlaceKey, search::Hit)> = None;
    let _: Option<search::ScanLimits> = None;
    let _: [i64; 2] = [events::MAX_SERIES, events::MAX_CALENDAR_EVENTS];
}
