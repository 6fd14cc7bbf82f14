//! Local resources ("ressources de proximité"): places and services, searched by distance.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::groups::Audience;

/// What a place offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    SupportGroup,
    HospitalDepartment,
    TherapeuticEducation,
    AssociationOffice,
    SocialService,
    RespiteCare,
}

/// A place of the directory, with who vouched for it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-9999-7cc3-9a51-3c1f0e2b6d11",
    "name": "Service de neurologie — CHU de Rennes",
    "kind": "hospital_department",
    "description": "Consultations SEP et hôpital de jour.",
    "address": "2 rue Henri Le Guilloux",
    "postcode": "35000",
    "city": "Rennes",
    "lat": 48.1173,
    "lon": -1.6778,
    "phone": "+33 2 99 28 43 21",
    "website": "https://chu.example.org/neurologie",
    "opening_hours": "Lun–ven 8 h 30–17 h",
    "audience": "everyone",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ],
    "association_id": null,
    "verified_at": "2026-09-01T08:00:00Z",
    "verified_by": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11",
    "distance_km": 2.4,
    "created_at": "2026-08-30T08:00:00Z",
    "updated_at": "2026-09-01T08:00:00Z"
}))]
pub struct Place {
    pub id: Uuid,
    #[schema(example = "Service de neurologie — CHU de Rennes")]
    pub name: String,
    pub kind: PlaceKind,
    pub description: String,
    pub address: String,
    pub city: String,
    pub postcode: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// Free text, e.g. "lun.–ven. 9 h–17 h".
    pub opening_hours: Option<String>,
    pub audience: Audience,
    pub condition_ids: Vec<Uuid>,
    pub association_id: Option<Uuid>,
    /// The editor or association admin who last checked the entry.
    pub verified_by: Option<Uuid>,
    pub verified_at: DateTime<Utc>,
    /// Distance from the search point, in km (searches near a point only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A place as written: creation, or the whole entry on change (`PATCH` takes the same fields,
/// each optional).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Service de neurologie — CHU de Rennes",
    "kind": "hospital_department",
    "description": "Consultations SEP et hôpital de jour.",
    "address": "2 rue Henri Le Guilloux",
    "postcode": "35000",
    "city": "Rennes",
    "lat": 48.1173,
    "lon": -1.6778,
    "phone": "+33 2 99 28 43 21",
    "website": "https://chu.example.org/neurologie",
    "opening_hours": "Lun–ven 8 h 30–17 h",
    "condition_ids": [
        "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
    ]
}))]
pub struct CreatePlaceRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub name: String,
    pub kind: PlaceKind,
    #[serde(default)]
    pub description: Option<String>,
    pub address: String,
    pub city: String,
    pub postcode: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
    pub phone: Option<String>,
    #[schema(format = "uri")]
    pub website: Option<String>,
    pub opening_hours: Option<String>,
    /// Default `everyone`.
    pub audience: Option<Audience>,
    #[serde(default)]
    pub condition_ids: Vec<Uuid>,
    /// The association the place belongs to (its admins may then keep it up to date).
    pub association_id: Option<Uuid>,
}

/// Changes to a place; absent fields stay, `null` clears an optional one. Saving vouches for
/// the entry again (`verified_by`, `verified_at`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "phone": "+33 2 99 28 43 22",
    "opening_hours": "Lun–ven 8 h–18 h"
}))]
pub struct UpdatePlaceRequest {
    pub name: Option<String>,
    pub kind: Option<PlaceKind>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub postcode: Option<Option<String>>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, format = "uri")]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub opening_hours: Option<Option<String>>,
    pub audience: Option<Audience>,
    pub condition_ids: Option<Vec<Uuid>>,
}

/// A directory search: near a point (`lat`, `lon`, `radius_km`; nearest first, with
/// `distance_km`) and/or by `kind`, `condition_id`, `audience`, and `q` (name, city or postcode).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceQuery {
    /// Latitude in degrees; `lat`, `lon` and `radius_km` go together (422 otherwise).
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
    /// Distance from (`lat`, `lon`) in km: 0 < radius ≤ 500 (`geo::MAX_RADIUS_KM`).
    #[param(exclusive_minimum = 0, maximum = 500)]
    pub radius_km: Option<f64>,
    pub kind: Option<PlaceKind>,
    pub condition_id: Option<Uuid>,
    /// Places for this audience, and those for everyone.
    pub audience: Option<Audience>,
    /// Name, city or postcode contains this text.
    pub q: Option<String>,
}

/// Who holds the editor right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member_id": "01939a4e-1113-7cc3-9a51-3c1f0e2b6d11",
    "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11"
}))]
pub struct EditorGrant {
    pub member_id: Uuid,
    /// The association that granted it; `null`: a platform admin.
    pub association_id: Option<Uuid>,
}

/// Grant the editor right: platform admins for anyone (leave `association_id` out), association
/// admins for a member of their association (`association_id` required).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "association_id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11"
}))]
pub struct GrantEditorRequest {
    pub association_id: Option<Uuid>,
}
