use actix_web::{get, web};
use chrono::Utc;
use entraide_domain::discovery::MentionPrefix;
use entraide_domain::error::{Errors, FieldError};
use entraide_domain::ids::{ConditionId, MemberId};
use entraide_domain::profile::{LanguageTag, Location};
use entraide_openapi::groups::MemberSummary;
use entraide_openapi::members::{DiscoverQuery, DiscoveredMember, MentionQuery};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::discovery::{self, DiscoverFilters, Reader};
use entraide_persistence::{members, verification};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::discovery::{age_band_from_wire, discovered_to_wire};
use crate::convert::kind_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
struct Cursor {
    /// The rank of the last member shown.
    s: i64,
    m: Uuid,
}

/// Turns the wire filters into domain values, reporting every invalid one at once.
fn parse_filters(query: DiscoverQuery) -> Result<DiscoverFilters, ApiError> {
    let DiscoverQuery {
        condition_id,
        kind,
        region,
        age_band,
        language,
    } = query;
    let mut errors = Errors::new();
    let region = region.and_then(|raw| {
        // The same rules as the profile's region (length, no control characters).
        match Location::parse(None, Some(&raw), None) {
            Ok(location) => location.region,
            Err(e) => {
                for error in e.into_errors() {
                    errors.push(FieldError::new("region", error.code, error.message));
                }
                None
            }
        }
    });
    let language = language.and_then(|raw| errors.check("language", LanguageTag::parse(&raw)));
    errors.finish()?;
    Ok(DiscoverFilters {
        condition: condition_id.map(ConditionId::from_uuid),
        kind: kind.map(kind_from_wire),
        region,
        age_band: age_band.map(age_band_from_wire),
        language,
    })
}

/// Discover people like you
///
/// Members who chose to be discoverable (`PATCH /members/me/settings`), best match first:
/// the most shared conditions, then the same kind, the same region, the same age band. Each
/// member is matched, filtered and shown only on the parts they allowed for discovery *and*
/// whose profile visibility lets other members see them: a filter or the order never tells
/// anything else. Never yourself, a member you blocked or who blocked you, nor a suspended
/// or banned account. Filters: `condition_id`, `kind`, `region` (exact), `age_band`,
/// `language`. Cursor-paginated.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(DiscoverQuery, PageQuery),
    responses(
        (status = 200, description = "A page of discoverable members", body = Page<DiscoveredMember>),
        p::ListErrors,
    )
)]
#[get("/members/discover")]
pub async fn discover_members(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<DiscoverQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<DiscoveredMember>>, ApiError> {
    let filters = parse_filters(query.into_inner())?;
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let after = page.after.as_ref().map(|c| (c.s, MemberId::from_uuid(c.m)));
    let fetch = page.fetch();
    let now = Utc::now();
    let (found, mine) = db::read(&state, move |conn| {
        let me = members::find_account(conn, member.id)?.ok_or(ApiError::NotFound)?;
        let profile = me.profile;
        let reader = Reader {
            id: member.id,
            kind: profile.kind,
            region: profile.location.value.region,
            age_band: profile.age_band.value,
        };
        let found = discovery::discover(conn, &reader, &filters, after, fetch, now)?;
        Ok((found, profile.conditions.value))
    })
    .await?;
    let page = page.page(
        found,
        |entry| Cursor {
            s: entry.score,
            m: entry.member_id.as_uuid(),
        },
        |entry| discovered_to_wire(entry, &mine),
    )?;
    Ok(web::Json(page))
}

/// Complete an @mention
///
/// Discoverable members whose pseudonym starts with `prefix` (at least 2 characters,
/// case-insensitive; `%` and `_` are plain characters), alphabetical, at most `limit` (10 by
/// default, 20 at most). Only members who chose to be discoverable: a pseudonym prefix must not
/// enumerate the members of a patient community; the people of a thread are already on the
/// client's screen. Never yourself, a member you blocked or who blocked you, nor a suspended
/// or banned account.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(MentionQuery),
    responses(
        (status = 200, description = "Matching members", body = Vec<MemberSummary>),
        p::ListErrors,
    )
)]
#[get("/members/mentions")]
pub async fn mention_members(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<MentionQuery>,
) -> Result<web::Json<Vec<MemberSummary>>, ApiError> {
    let MentionQuery { prefix, limit } = query.into_inner();
    let prefix = MentionPrefix::parse(&prefix)?;
    let limit = limit.unwrap_or(MentionQuery::DEFAULT_LIMIT);
    if !(1..=MentionQuery::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("must be between 1 and {}", MentionQuery::MAX_LIMIT),
        ));
    }
    let now = Utc::now();
    let found = db::read(&state, move |conn| {
        let found = discovery::mentions(conn, member.id, &prefix, i64::from(limit), now)?;
        // Their badges in one batched lookup (the mention query is dialect SQL).
        let ids: Vec<_> = found.iter().map(|(id, _, _)| *id).collect();
        let badges = verification::granted_of(conn, &ids)?;
        Ok((found, badges))
    })
    .await?;
    let (found, badges) = found;
    Ok(web::Json(
        found
            .into_iter()
            .map(|(id, pseudonym, kind)| {
                crate::convert::posts::summary(id, &pseudonym, kind, badges.get(&id).copied())
            })
            .collect(),
    ))
}
