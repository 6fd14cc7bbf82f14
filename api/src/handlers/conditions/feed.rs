use actix_web::{get, web};
use chrono::Utc;
use entraide_openapi::conditions::ConditionFeed;
use entraide_openapi::problem as p;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;
use crate::views::conditions::followed_feed;

/// Get your followed conditions' news
///
/// Beside the home feed (`GET /feed`, posts, unchanged): what is new for the conditions you
/// follow (`PUT /conditions/{id}/follow`) — the 20 most recently published resources about
/// them, newest first, and the next 20 events about them you may see (in their groups whose
/// content you may read, or held by their associations), soonest first. Both lists are empty
/// when you follow nothing.
#[utoipa::path(
    tag = "conditions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Resources and events of the followed conditions", body = ConditionFeed),
        p::SessionErrors,
    )
)]
#[get("/feed/conditions")]
pub async fn get_condition_feed(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<ConditionFeed>, ApiError> {
    let reader = member.reader();
    let me = member.id;
    let now = Utc::now();
    db::read_snapshot(&state, move |conn| followed_feed(conn, reader, me, now))
        .await
        .map(web::Json)
}
