//! Points on Earth and great-circle distances, for "near me" searches.

use crate::error::ParseError;

/// Mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Largest search radius accepted, in kilometres.
pub const MAX_RADIUS_KM: f64 = 500.0;

/// A WGS 84 point: latitude in [-90, 90], longitude in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    lat: f64,
    lon: f64,
}

impl Point {
    pub fn parse(lat: f64, lon: f64) -> Result<Self, ParseError> {
        let mut errors = Vec::new();
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            errors.push(("lat", "must be a latitude between -90 and 90"));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            errors.push(("lon", "must be a longitude between -180 and 180"));
        }
        match errors.as_slice() {
            [] => Ok(Self { lat, lon }),
            [(field, message)] => Err(ParseError::single(*field, "invalid_coordinate", *message)),
            _ => Err(ParseError::single(
                "lat",
                "invalid_coordinate",
                "latitude and longitude are out of range",
            )),
        }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance (haversine), in kilometres.
    pub fn distance_km(self, other: Self) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let dphi = (other.lat - self.lat).to_radians();
        let dlambda = (other.lon - self.lon).to_radians();
        let a =
            (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }

    /// A latitude/longitude box holding every point within `radius_km` (a cheap, indexable
    /// pre-filter; the exact distance decides). Near the poles or the antimeridian the box
    /// widens to every longitude.
    pub fn bounding_box(self, radius_km: f64) -> BoundingBox {
        let dlat = (radius_km / EARTH_RADIUS_KM).to_degrees();
        let min_lat = (self.lat - dlat).max(-90.0);
        let max_lat = (self.lat + dlat).min(90.0);
        let cos = self.lat.to_radians().cos();
        let dlon = if cos < 1e-6 {
            360.0
        } else {
            (radius_km / (EARTH_RADIUS_KM * cos)).to_degrees()
        };
        let (min_lon, max_lon) =
            if dlon >= 180.0 || self.lon - dlon < -180.0 || self.lon + dlon > 180.0 {
                (-180.0, 180.0)
            } else {
                (self.lon - dlon, self.lon + dlon)
            };
        BoundingBox {
            min_lat,
            max_lat,
            min_lon,
            max_lon,
        }
    }
}

/// A search radius in kilometres: more than 0, at most [`MAX_RADIUS_KM`].
pub fn parse_radius(radius_km: f64) -> Result<f64, ParseError> {
    if radius_km.is_finite() && radius_km > 0.0 && radius_km <= MAX_RADIUS_KM {
        Ok(radius_km)
    } else {
        Err(ParseError::single(
            "radius_km",
            "out_of_range",
            format!("must be more than 0 and at most {MAX_RADIUS_KM}"),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> Point {
        Point::parse(lat, lon).unwrap()
    }

    #[test]
    fn known_city_pairs() {
        let paris = p(48.8566, 2.3522);
        let lyon = p(45.7640, 4.8357);
        let marseille = p(43.2965, 5.3698);
        let d = paris.distance_km(lyon);
        assert!((d - 392.0).abs() < 3.0, "Paris–Lyon {d}");
        let d = paris.distance_km(marseille);
        assert!((d - 661.0).abs() < 5.0, "Paris–Marseille {d}");
        assert!(paris.distance_km(paris) < 1e-9);
    }

    #[test]
    fn bounding_box_holds_the_circle() {
        let lyon = p(45.764, 4.8357);
        let b = lyon.bounding_box(50.0);
        for bearing in 0..36 {
            let angle = f64::from(bearing * 10).to_radians();
            // A point ~49.9 km away in this direction.
            let dlat = (49.9 / EARTH_RADIUS_KM).to_degrees() * angle.cos();
            let dlon = (49.9 / (EARTH_RADIUS_KM * lyon.lat().to_radians().cos())).to_degrees()
                * angle.sin();
            let q = p(lyon.lat() + dlat, lyon.lon() + dlon);
            assert!(q.lat() >= b.min_lat && q.lat() <= b.max_lat);
            assert!(q.lon() >= b.min_lon && q.lon() <= b.max_lon);
        }
    }

    #[test]
    fn bad_coordinates_and_radius() {
        assert!(Point::parse(91.0, 0.0).is_err());
        assert!(Point::parse(0.0, -181.0).is_err());
        assert!(Point::parse(f64::NAN, 0.0).is_err());
        assert!(parse_radius(0.0).is_err());
        assert!(parse_radius(501.0).is_err());
        assert!(parse_radius(25.0).is_ok());
    }
}
