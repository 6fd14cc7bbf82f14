use actix_web::{HttpResponse, delete, web};
use chrono::Utc;
use entraide_domain::consent::PastAnswers;
use entraide_domain::erasure::ContentChoice;
use entraide_domain::member::Password;
use entraide_openapi::members::{self as wire, EraseAccountRequest};
use entraide_openapi::problem as p;
use entraide_persistence::{erasure, media, members};

use crate::convert::research::past_answers_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, ClientIp};
use crate::json::Json;
use crate::media::store::delete_all;
use crate::security::password;
use crate::state::AppState;

/// Erase your account
///
/// Erase your account (GDPR art. 17), confirmed with your password (422 on `password` when it
/// is not yours; rate-limited like logins). At once and for good: your profile, e-mail,
/// sessions, memberships, follows, blocks, reactions, RSVPs, consents and grants are deleted;
/// your research answers under a consent in force are deleted or kept pseudonymous as you
/// choose (`research_answers`); your posts and comments are deleted (`content: delete`; threads
/// keep placeholders) or kept signed "Ancien membre" (`anonymise`); groups, events,
/// associations, resources and places you created stay for the community, under "Ancien
/// membre". Download your data first (`GET /members/me/export`).
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    request_body = EraseAccountRequest,
    responses(
        (status = 204, description = "Erased"),
        p::BodyErrors, p::TooManyRequests,
    )
)]
#[delete("/members/me")]
pub async fn erase_my_account(
    state: web::Data<AppState>,
    member: AuthMember,
    ip: ClientIp,
    body: Json<EraseAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    state.auth_limiter.check(ip.0)?;
    let request = body.into_inner();
    let given = Password::parse_login(&request.password)
        .map_err(|e| ApiError::from(e.in_field("password")))?;
    let content = match request.content {
        wire::ContentChoice::Delete => ContentChoice::Delete,
        wire::ContentChoice::Anonymise => ContentChoice::Anonymise,
    };
    let research = request
        .research_answers
        .map_or(PastAnswers::Delete, past_answers_from_wire);
    let member_id = member.id;
    let stored = db::read(&state, move |conn| {
        Ok(members::find_credentials(conn, member_id)?
            .ok_or(ApiError::NotFound)?
            .password_hash)
    })
    .await?;
    let valid = password::off_thread(move || password::verify(&given, &stored)).await?;
    if !valid {
        return Err(ApiError::field(
            "password",
            "incorrect",
            "is not your password",
        ));
    }
    // Their photos go too, even on posts they chose to keep anonymised: a photo can show a
    // face or a home. Rows go with the account (cascade); files after the commit.
    let photos = db::write(&state, move |conn| {
        let mut photos: Vec<_> = media::owned_by(conn, member_id)?
            .into_iter()
            .map(|photo| photo.id)
            .collect();
        // Others' photos on the comments of the posts deleted with the account go too.
        for photo in erasure::erase(conn, member_id, content, research, Utc::now())? {
            if !photos.contains(&photo) {
                photos.push(photo);
            }
        }
        Ok(photos)
    })
    .await?;
    state.sessions.forget(member_id);
    let store = state.media.clone();
    web::block(move || delete_all(store.as_ref(), &photos)).await?;
    state.announcements.forget(member_id);
    // The account's streams find no session and end now.
    state.hub.wake(&[member_id]);
    Ok(HttpResponse::NoContent().finish())
}
