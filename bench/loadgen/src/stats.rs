//! Latencies (HDR histograms in microseconds), statuses and failures, per endpoint.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Result, anyhow};
use hdrhistogram::Histogram;
use serde::Serialize;

/// Highest latency tracked: anything slower is recorded as this (one minute).
const MAX_MICROS: u64 = 60_000_000;

/// What one endpoint saw.
#[derive(Clone)]
pub struct EndpointStats {
    latency: Histogram<u64>,
    /// Answers by HTTP status.
    statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (connection refused or reset, a body cut short).
    transport_errors: u64,
}

impl EndpointStats {
    pub fn new() -> Result<Self> {
        Ok(Self {
            latency: Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .map_err(|e| anyhow!("histogram: {e}"))?,
            statuses: BTreeMap::new(),
            transport_errors: 0,
        })
    }

    pub fn record(&mut self, status: u16, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros())
            .unwrap_or(MAX_MICROS)
            .clamp(1, MAX_MICROS);
        self.latency.saturating_record(micros);
        *self.statuses.entry(status).or_default() += 1;
    }

    pub fn record_transport_error(&mut self) {
        self.transport_errors += 1;
    }

    pub fn merge(&mut self, other: &Self) -> Result<()> {
        self.latency
            .add(&other.latency)
            .map_err(|e| anyhow!("merging histograms: {e}"))?;
        for (status, count) in &other.statuses {
            *self.statuses.entry(*status).or_default() += count;
        }
        self.transport_errors += other.transport_errors;
        Ok(())
    }

    pub fn summary(&self, seconds: f64) -> Summary {
        let count = self.latency.len();
        let ms = |micros: u64| round3(micros as f64 / 1000.0);
        let at = |quantile: f64| {
            if count == 0 {
                None
            } else {
                Some(ms(self.latency.value_at_quantile(quantile)))
            }
        };
        let non_2xx: BTreeMap<String, u64> = self
            .statuses
            .iter()
            .filter(|(status, _)| !(200..300).contains(*status))
            .map(|(status, count)| (status.to_string(), *count))
            .collect();
        let errors = non_2xx.values().sum::<u64>() + self.transport_errors;
        Summary {
            count,
            rps: if seconds > 0.0 {
                round3(count as f64 / seconds)
            } else {
                0.0
            },
            p50_ms: at(0.50),
            p90_ms: at(0.90),
            p99_ms: at(0.99),
            max_ms: (count > 0).then(|| ms(self.latency.max())),
            non_2xx,
            transport_errors: self.transport_errors,
            errors,
        }
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// One endpoint's figures, as written to the JSON lines.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Answers received (any status).
    pub count: u64,
    pub rps: f64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    /// Answers outside 2xx, by status.
    pub non_2xx: BTreeMap<String, u64>,
    pub transport_errors: u64,
    /// non-2xx answers plus transport errors.
    pub errors: u64,
}

/// One task's (or a whole run's) figures, by endpoint name.
#[derive(Clone, Default)]
pub struct Recorder {
    pub endpoints: BTreeMap<&'static str, EndpointStats>,
    /// Requests answered 401 because an access token expired, then sent again after a refresh
    /// (or a new login): counted here, not as errors.
    pub reauth: u64,
}

impl Recorder {
    pub fn endpoint(&mut self, name: &'static str) -> Result<&mut EndpointStats> {
        if !self.endpoints.contains_key(name) {
            self.endpoints.insert(name, EndpointStats::new()?);
        }
        self.endpoints
            .get_mut(name)
            .ok_or_else(|| anyhow!("endpoint {name} vanished"))
    }

    pub fn merge(&mut self, other: &Self) -> Result<()> {
        for (name, stats) in &other.endpoints {
            self.endpoint(name)?.merge(stats)?;
        }
        self.reauth += other.reauth;
        Ok(())
    }

    /// All endpoints together.
    pub fn total(&self) -> Result<EndpointStats> {
        let mut total = EndpointStats::new()?;
        for stats in self.endpoints.values() {
            total.merge(stats)?;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reports_percentiles_in_milliseconds() {
        let mut stats = EndpointStats::new().unwrap();
        for ms in 1..=1000u64 {
            stats.record(200, Duration::from_millis(ms));
        }
        let summary = stats.summary(10.0);
        assert_eq!(summary.count, 1000);
        assert_eq!(summary.rps, 100.0);
        let near = |got: Option<f64>, want: f64| {
            let got = got.unwrap();
            assert!((got - want).abs() <= want * 0.002, "{got} vs {want}");
        };
        near(summary.p50_ms, 500.0);
        near(summary.p90_ms, 900.0);
        near(summary.p99_ms, 990.0);
        near(summary.max_ms, 1000.0);
        assert_eq!(summary.errors, 0);
        assert!(summary.non_2xx.is_empty());
    }

    #[test]
    fn non_2xx_and_transport_failures_are_errors_by_status() {
        let mut stats = EndpointStats::new().unwrap();
        stats.record(200, Duration::from_millis(1));
        stats.record(201, Duration::from_millis(1));
        stats.record(500, Duration::from_millis(2));
        stats.record(500, Duration::from_millis(2));
        stats.record(409, Duration::from_millis(2));
        stats.record_transport_error();
        let summary = stats.summary(1.0);
        assert_eq!(summary.count, 5);
        assert_eq!(summary.non_2xx.get("500"), Some(&2));
        assert_eq!(summary.non_2xx.get("409"), Some(&1));
        assert_eq!(summary.non_2xx.len(), 2);
        assert_eq!(summary.transport_errors, 1);
        assert_eq!(summary.errors, 4);
    }

    #[test]
    fn merged_recorders_add_up() {
        let mut a = Recorder::default();
        let mut b = Recorder::default();
        a.endpoint("feed")
            .unwrap()
            .record(200, Duration::from_millis(1));
        b.endpoint("feed")
            .unwrap()
            .record(200, Duration::from_millis(100));
        b.endpoint("wall")
            .unwrap()
            .record(404, Duration::from_millis(3));
        b.reauth = 2;
        a.merge(&b).unwrap();
        let feed = a.endpoints["feed"].summary(1.0);
        assert_eq!(feed.count, 2);
        assert!(feed.max_ms.unwrap() >= 99.9);
        assert_eq!(a.reauth, 2);
        let total = a.total().unwrap().summary(1.0);
        assert_eq!(total.count, 3);
        assert_eq!(total.errors, 1);
    }

    #[test]
    fn an_empty_endpoint_has_no_percentiles() {
        let summary = EndpointStats::new().unwrap().summary(1.0);
        assert_eq!(summary.count, 0);
        assert_eq!(summary.p50_ms, None);
        assert_eq!(summary.max_ms, None);
    }
}
