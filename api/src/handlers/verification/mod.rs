//! Verified statuses: a member asks for a badge (`ask`), platform admins or a verified
//! association's admins read the queue and decide (`decide`); platform admins withdraw a badge
//! (`revoke`).

pub mod ask;
pub mod decide;
pub mod revoke;
