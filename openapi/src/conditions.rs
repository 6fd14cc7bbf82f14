//! The catalogue of conditions (diseases) that communities form around.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A condition, with its names and codes when known: Orphanet number (rare diseases), ICD-10,
/// ICD-11, SNOMED CT and MeSH. `name` is the display name (unique); `name_fr` and `name_en`
/// are the names in French and English when the catalogue has them — show the one of the
/// reader's language, else `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11",
    "name": "Sclérose en plaques",
    "name_fr": "Sclérose en plaques",
    "name_en": "Multiple sclerosis",
    "orpha_code": "802",
    "icd10_code": "G35",
    "icd11_code": "8A40",
    "snomed_code": "24700007",
    "mesh_code": "D009103"
}))]
pub struct Condition {
    pub id: Uuid,
    #[schema(example = "Sclérose en plaques")]
    pub name: String,
    #[schema(example = "Sclérose en plaques")]
    pub name_fr: Option<String>,
    #[schema(example = "Multiple sclerosis")]
    pub name_en: Option<String>,
    /// Orphanet number, without the `ORPHA:` prefix.
    #[schema(example = "802")]
    pub orpha_code: Option<String>,
    #[schema(example = "G35")]
    pub icd10_code: Option<String>,
    /// ICD-11 (MMS) stem code.
    #[schema(example = "8A40")]
    pub icd11_code: Option<String>,
    /// SNOMED CT concept id.
    #[schema(example = "24700007")]
    pub snomed_code: Option<String>,
    /// MeSH unique id.
    #[schema(example = "D009103")]
    pub mesh_code: Option<String>,
}

/// A condition to add (platform admins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Maladie de Fabry",
    "name_fr": "Maladie de Fabry",
    "name_en": "Fabry disease",
    "orpha_code": "ORPHA:324",
    "icd10_code": "E75.2",
    "icd11_code": "5C56.01",
    "snomed_code": "16652001",
    "mesh_code": "D000795"
}))]
pub struct CreateConditionRequest {
    /// The display name, unique (case-insensitive).
    #[schema(example = "Maladie de Fabry", min_length = 2, max_length = 120)]
    pub name: String,
    #[schema(example = "Maladie de Fabry", min_length = 2, max_length = 120)]
    pub name_fr: Option<String>,
    #[schema(example = "Fabry disease", min_length = 2, max_length = 120)]
    pub name_en: Option<String>,
    /// `ORPHA:324` or `324` (digits; 422 `invalid_orpha_code`).
    #[schema(example = "ORPHA:324")]
    pub orpha_code: Option<String>,
    /// A letter, two digits, optionally a dot and one or two more: `E84`, `E84.0`
    /// (422 `invalid_icd10_code`).
    #[schema(example = "E75.2")]
    pub icd10_code: Option<String>,
    /// Four characters (chapter, letter, digit, digit or letter), optionally a dot and one to
    /// four more: `CA25`, `2A00.0` (422 `invalid_icd11_code`).
    #[schema(example = "5C56.01")]
    pub icd11_code: Option<String>,
    /// 6 to 18 digits (422 `invalid_snomed_code`).
    #[schema(example = "16652001")]
    pub snomed_code: Option<String>,
    /// `D` or `C` and 6 or 9 digits: `D003550` (422 `invalid_mesh_code`).
    #[schema(example = "D000795")]
    pub mesh_code: Option<String>,
}

/// Filters of the condition list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConditionQuery {
    /// Only conditions whose name contains this text (case-insensitive).
    pub q: Option<String>,
    /// Only the condition with this code: `ORPHA:586`, `ICD10:E84`, `ICD11:CA25`,
    /// `SNOMED:190905008` or `MESH:D003550` (400 on another form).
    pub code: Option<String>,
}

macro_rules! hub_section {
    ($name:ident, $item:ty, $what:literal) => {
        #[doc = concat!("The first ", $what, " of a condition's hub the reader may see, how many they may see in all, and where the full list is (`null` when `items` holds them all).")]
        #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub count: i64,
            /// The list endpoint filtered on this condition (path and query), when there are
            /// more than `items` shows and the list can filter on it.
            pub more: Option<String>,
        }
    };
}

hub_section!(HubGroups, crate::groups::Group, "groups");
hub_section!(
    HubAssociations,
    crate::associations::Association,
    "verified associations"
);
hub_section!(
    HubResources,
    crate::resources::Resource,
    "validated resources (newest first)"
);
hub_section!(
    HubEvents,
    crate::events::Event,
    "upcoming events (soonest first)"
);
hub_section!(HubPlaces, crate::places::Place, "places");

/// A condition's hub: the condition, then the first items of each kind linked to it that the
/// reader may see, with counts of what they may see (never of what they may not).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "condition": {
        "id": "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11",
        "name": "Mucoviscidose",
        "name_fr": "Mucoviscidose",
        "name_en": "Cystic fibrosis",
        "orpha_code": "586",
        "icd10_code": "E84",
        "icd11_code": "CA25",
        "snomed_code": "190905008",
        "mesh_code": "D003550"
    },
    "followed": true,
    "follower_count": 12,
    "groups": {"items": [], "count": 0, "more": null},
    "associations": {"items": [], "count": 0, "more": null},
    "resources": {"items": [], "count": 0, "more": null},
    "events": {"items": [], "count": 0, "more": null},
    "places": {"items": [], "count": 0, "more": null}
}))]
pub struct ConditionHub {
    pub condition: Condition,
    /// Whether you follow the condition; `null` when not signed in.
    pub followed: Option<bool>,
    pub follower_count: i64,
    /// Groups of the condition whose content you may read (private groups only once you are a
    /// member), in name order.
    pub groups: HubGroups,
    /// Verified associations working on the condition, in name order.
    pub associations: HubAssociations,
    /// Published resources about the condition, most recently published first.
    pub resources: HubResources,
    /// Upcoming events in the condition's groups you may read or held by its associations,
    /// soonest first.
    pub events: HubEvents,
    /// Places for people with the condition, in name order.
    pub places: HubPlaces,
}

/// Whether you follow a condition, and how many members do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"following": true, "follower_count": 12}))]
pub struct ConditionFollowState {
    pub following: bool,
    pub follower_count: i64,
}

/// What is new for the conditions you follow: the latest published resources (newest first)
/// and the upcoming events you may see (soonest first), at most 20 of each. A resource names
/// its conditions in `condition_ids`; an event shows the group or association holding it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"resources": [], "events": []}))]
pub struct ConditionFeed {
    pub resources: Vec<crate::resources::Resource>,
    pub events: Vec<crate::events::Event>,
}
