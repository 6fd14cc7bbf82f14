use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entraide_openapi::export::MemberExport;
use entraide_openapi::problem as p;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;
use crate::views::export::member_export;

/// Export my data
///
/// Everything the platform holds about you, as one JSON document to keep or take elsewhere
/// (GDPR right of access and portability, articles 15 and 20): your account and profile,
/// settings, conditions, sessions, groups, posts and comments (deleted ones without their
/// text), reactions, whom you follow and block, events and answers, calendar feed,
/// associations, announcements and campaigns, knowledge-base work, rights, studies, your
/// consent ledger with its texts, your questionnaire answers — those kept under your study
/// pseudonym after a withdrawal included — and what you did as staff. Read in one consistent
/// snapshot; lists are complete, not paged. `not_included` names what is stored but left out,
/// and why: password and token hashes, secrets, and what other members chose about you (who
/// follows or blocks you). Served as a download (`Content-Disposition: attachment`), never
/// cached.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your data", body = MemberExport,
            headers(
                ("Content-Disposition" = String,
                    description = "attachment; filename=\"entraide-export-<YYYY-MM-DD>.json\""),
                ("Cache-Control" = String, description = "no-store")
            )),
        p::SessionErrors,
    )
)]
#[get("/members/me/export")]
pub async fn export_my_data(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let document = {
        let keys = state.clone();
        db::read_snapshot(&state, move |conn| {
            member_export(conn, member.id, now, &keys.message_keys)
        })
        .await?
    };
    let filename = format!("entraide-export-{}.json", now.format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(document))
}
