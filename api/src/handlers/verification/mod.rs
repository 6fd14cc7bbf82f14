//! Verified statuses: a member asks for a badge (`ask`), platform admins or a verified
//! association's admins read the queue and decide (`decide`).

pub mod ask;
pub mod decide;
