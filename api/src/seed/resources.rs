//! A platform committee and the fact sheets it validated and published.

use chrono::Duration;
use entraide_domain::post::Body;
use entraide_domain::resource::{ResourceAudience, ResourceKind, VersionStatus};
use entraide_persistence::PersistenceError;
use entraide_persistence::bulk::{CommitteeRow, ResourceRow, ResourceVersionRow};
use rand::Rng;
use rand::rngs::StdRng;

use super::text::{MIDDLES, body, sentence};
use super::{SeedOptions, Timeline, id_at, naive};

pub(super) struct Library {
    pub(super) committee: CommitteeRow,
    pub(super) resources: Vec<ResourceRow>,
    pub(super) versions: Vec<ResourceVersionRow>,
}

/// Who the fact sheets are for, in turn.
const AUDIENCES: [ResourceAudience; 3] = [
    ResourceAudience::Patients,
    ResourceAudience::Caregivers,
    ResourceAudience::Everyone,
];

/// `options.resources` fact sheets written by `editor`, each with one published version.
pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    options: &SeedOptions,
    editor: &str,
) -> Result<Library, PersistenceError> {
    let now = time.now;
    let name = "Comité scientifique Entraide";
    let committee = CommitteeRow {
        id: id_at(rng, now - Duration::days(500)),
        name: name.to_owned(),
        name_key: name.to_lowercase(),
        description: "Médecins, soignants et patients experts.".to_owned(),
        association_id: None,
        quorum: 1,
        created_by: editor.to_owned(),
        created_at: naive(now - Duration::days(60)),
    };
    let mut resources = Vec::with_capacity(options.resources);
    let mut versions = Vec::with_capacity(options.resources);
    for r in 0..options.resources {
        let created = now - Duration::days(rng.random_range(30..700));
        let id = id_at(rng, created);
        let title = format!("Fiche {} : {}", r + 1, MIDDLES[r % MIDDLES.len()]);
        let text = format!("{}\n\n{}", sentence(rng), sentence(rng));
        let sheet = body(&text, Body::POST_MAX_CHARS)?;
        let validated = created + Duration::days(10);
        let (sponsor_name, sponsor_kind, sponsor_links) = super::sponsors::draw(rng, 10);
        resources.push(ResourceRow {
            id: id.clone(),
            kind: ResourceKind::FactSheet.as_str(),
            language: "fr".to_owned(),
            audience: AUDIENCES[r % AUDIENCES.len()].as_str(),
            committee_id: committee.id.clone(),
            author_id: editor.to_owned(),
            created_at: naive(created),
            updated_at: naive(validated),
            sponsor_name,
            sponsor_kind,
            sponsor_links,
        });
        versions.push(ResourceVersionRow {
            id: id_at(rng, created),
            resource_id: id,
            number: 1,
            status: VersionStatus::Published.as_str(),
            title_key: title.to_lowercase(),
            title,
            summary: sentence(rng),
            body: sheet.source().to_owned(),
            body_html: sheet.html().to_owned(),
            tags: "seed".to_owned(),
            sources: "Haute Autorité de santé".to_owned(),
            created_by: editor.to_owned(),
            created_at: naive(created),
            updated_at: naive(validated),
            submitted_at: Some(naive(created + Duration::days(1))),
            validated_at: Some(naive(validated)),
            review_due_at: Some(naive(validated + Duration::days(730))),
            published_at: Some(naive(validated)),
        });
    }
    Ok(Library {
        committee,
        resources,
        versions,
    })
}
