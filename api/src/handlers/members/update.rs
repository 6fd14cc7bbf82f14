use std::collections::BTreeSet;

use actix_web::{patch, web};
use chrono::Utc;
use entraide_domain::ParseError;
use entraide_domain::error::{Errors, FieldError};
use entraide_domain::ids::ConditionId;
use entraide_domain::member::{KindChangeStep, MemberKind, Pseudonym, request_kind};
use entraide_domain::profile::{AvatarUrl, Bio, LanguageTag, Location, ProfileChanges};
use entraide_openapi::members::{MyProfile, ProfileVisibilityChanges, UpdateProfileRequest};
use entraide_openapi::problem as p;
use entraide_persistence::{kind_changes, members};

use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;
use crate::{convert, db};

/// Turns the wire request into domain changes, reporting every invalid field at once.
fn parse_changes(
    request: UpdateProfileRequest,
) -> Result<(ProfileChanges, Option<MemberKind>), ParseError> {
    let UpdateProfileRequest {
        pseudonym,
        kind,
        bio,
        avatar_url,
        location,
        language,
        condition_ids,
        age_band,
        diagnosed_since,
        visibility,
    } = request;
    let mut errors = Errors::new();
    let pseudonym = pseudonym.and_then(|p| errors.check("pseudonym", Pseudonym::parse(&p)));
    let bio = bio.and_then(|bio| match bio {
        None => Some(None),
        Some(text) => errors.check("bio", Bio::parse(&text)),
    });
    let avatar_url = avatar_url.and_then(|url| match url {
        None => Some(None),
        Some(url) => errors.check("avatar_url", AvatarUrl::parse(&url)).map(Some),
    });
    let location = location.and_then(|location| match location {
        None => Some(Location::default()),
        Some(l) => {
            // Location reports nested field names itself (`location.city`).
            match Location::parse(l.city.as_deref(), l.region.as_deref(), l.country.as_deref()) {
                Ok(location) => Some(location),
                Err(e) => {
                    for error in e.into_errors() {
                        errors.push(error);
                    }
                    None
                }
            }
        }
    });
    let language = language.and_then(|language| match language {
        None => Some(None),
        Some(tag) => errors.check("language", LanguageTag::parse(&tag)).map(Some),
    });
    let conditions = condition_ids.and_then(|ids| {
        let unique: BTreeSet<_> = ids.into_iter().collect();
        if unique.len() > ProfileChanges::MAX_CONDITIONS {
            errors.push(FieldError::new(
                "condition_ids",
                "too_many",
                format!("at most {} conditions", ProfileChanges::MAX_CONDITIONS),
            ));
            return None;
        }
        Some(unique.into_iter().map(ConditionId::from_uuid).collect())
    });
    errors.finish()?;
    let ProfileVisibilityChanges {
        bio: bio_visibility,
        avatar_url: avatar_visibility,
        location: location_visibility,
        language: language_visibility,
        conditions: conditions_visibility,
        age_band: age_band_visibility,
        diagnosed_since: diagnosed_since_visibility,
        wall: wall_visibility,
    } = visibility.unwrap_or_default();
    let changes = ProfileChanges {
        pseudonym,
        bio,
        bio_visibility: bio_visibility.map(convert::visibility_from_wire),
        avatar_url,
        avatar_visibility: avatar_visibility.map(convert::visibility_from_wire),
        location,
        location_visibility: location_visibility.map(convert::visibility_from_wire),
        language,
        language_visibility: language_visibility.map(convert::visibility_from_wire),
        conditions,
        conditions_visibility: conditions_visibility.map(convert::visibility_from_wire),
        age_band: age_band.map(|band| band.map(convert::discovery::age_band_from_wire)),
        age_band_visibility: age_band_visibility.map(convert::visibility_from_wire),
        diagnosed_since: diagnosed_since
            .map(|band| band.map(convert::discovery::diagnosed_since_from_wire)),
        diagnosed_since_visibility: diagnosed_since_visibility.map(convert::visibility_from_wire),
        wall_visibility: wall_visibility.map(convert::visibility_from_wire),
    };
    Ok((changes, kind.map(convert::kind_from_wire)))
}

/// Update your profile
///
/// Update your profile: absent fields stay, `null` clears. A taken pseudonym is a 409; an
/// unknown condition id a 422. Nothing is changed unless everything is valid. A new `kind`
/// waits 7 days (or a platform moderator's approval) before it takes effect: the answer shows
/// it as `pending_kind_change`.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "The updated profile", body = MyProfile),
        p::BodyErrors, p::Conflict,
    )
)]
#[patch("/members/me")]
pub async fn update_my_profile(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<UpdateProfileRequest>,
) -> Result<web::Json<MyProfile>, ApiError> {
    let (changes, kind) = parse_changes(body.into_inner())?;
    let now = Utc::now();
    let (account, pending, badge) = db::write(&state, move |conn| {
        let account = members::update_profile(conn, member.id, &changes, now)
            .map_err(crate::parse::unknown_condition("condition_ids"))?;
        let pending = kind_changes::pending(conn, member.id)?;
        if let Some(wanted) = kind {
            let current = account.profile.kind;
            match request_kind(current, pending.as_ref(), wanted, now) {
                KindChangeStep::Nothing => {}
                KindChangeStep::Cancel => kind_changes::cancel(conn, member.id)?,
                KindChangeStep::Schedule { effective_at } => {
                    kind_changes::request(conn, member.id, current, wanted, now, effective_at)?;
                }
            }
        }
        let badge = entraide_persistence::verification::granted(conn, member.id)?;
        Ok((account, kind_changes::pending(conn, member.id)?, badge))
    })
    .await?;
    // A kind change requested or withdrawn is part of what each request checks.
    state.sessions.forget(member.id);
    // Region and conditions decide which announcements reach the member.
    state.announcements.forget(member.id);
    Ok(web::Json(convert::my_profile(
        &account,
        pending.as_ref(),
        badge,
    )))
}
