//! HTTP handlers, one module per resource and one file per use case. Each follows the same
//! order: extract -> authenticate -> parse -> authorize -> one transaction -> map to DTO.

pub mod associations;
pub mod auth;
pub mod conditions;
pub mod events;
pub mod groups;
pub mod health;
pub mod members;
pub mod places;
pub mod posts;
pub mod resources;
pub mod search;

/// A "near me" query from `lat`, `lon` and `radius_km`: all three or none (422 on `radius_km`
/// otherwise), coordinates and radius in range (422 on the field).
pub(crate) fn near_query(
    errors: &mut entraide_domain::error::Errors,
    lat: Option<f64>,
    lon: Option<f64>,
    radius_km: Option<f64>,
) -> Option<(entraide_domain::geo::Point, f64)> {
    match (lat, lon, radius_km) {
        (None, None, None) => None,
        (Some(lat), Some(lon), Some(radius)) => {
            let point = errors.keep(entraide_domain::geo::Point::parse(lat, lon));
            let radius = errors.check("radius_km", entraide_domain::geo::parse_radius(radius));
            point.zip(radius)
        }
        _ => {
            errors.push(entraide_domain::FieldError::new(
                "radius_km",
                "incomplete_location",
                "give lat, lon and radius_km together",
            ));
            None
        }
    }
}
