use actix_web::{get, web};
use chrono::Utc;
use entraide_domain::ids::ConditionId;
use entraide_openapi::conditions::ConditionHub;
use entraide_openapi::problem as p;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;
use crate::views::conditions::hub;

/// Get a condition's hub
///
/// A condition with the first five of each kind of thing about it that you may see — groups
/// whose content you may read (a private group only once you are its member), verified
/// associations, published resources, upcoming events you may see, places — each with the
/// count of what you may see (never of what you may not) and, when there are more, the list
/// endpoint filtered on the condition (`more`). `followed` tells a signed-in reader whether
/// they follow it. Public, like the catalogue; one request, a fixed number of queries.
#[utoipa::path(
    tag = "conditions",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The condition's id")),
    responses(
        (status = 200, description = "The condition's hub", body = ConditionHub),
        p::ReadErrors,
    )
)]
#[get("/conditions/{id}")]
pub async fn get_condition(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<ConditionHub>, ApiError> {
    let id = ConditionId::from_uuid(path.into_inner());
    let reader = reader.reader();
    let now = Utc::now();
    db::read_snapshot(&state, move |conn| hub(conn, id, reader, now))
        .await
        .map(web::Json)
}
