//! Access checks: every loader and `require_*` that decides whether an actor may read or act on
//! something. Each loads what a domain policy needs, applies the policy (the rule itself lives
//! in `entraide_domain`), and turns its refusal into a problem through `ApiError::from`.
//! Handlers call these; these never call handlers.

pub(crate) mod associations;
pub(crate) mod events;
pub(crate) mod groups;
pub(crate) mod integrations;
pub(crate) mod media;
pub(crate) mod messages;
pub(crate) mod moderation;
pub(crate) mod places;
pub(crate) mod posts;
pub(crate) mod research;
pub(crate) mod resources;
pub(crate) mod rights;
