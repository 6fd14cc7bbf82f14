//! The server's resident memory over a run: `VmRSS` from `/proc/PID/status`, once a second.

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;

/// `VmRSS` in kB from the text of `/proc/PID/status`.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix("VmRSS:")?;
        let mut words = rest.split_whitespace();
        let value = words.next()?.parse().ok()?;
        match words.next() {
            Some("kB") | None => Some(value),
            Some(_) => None,
        }
    })
}

/// The samples: (seconds since sampling began, kB), and the highest.
#[derive(Debug, Default, Serialize)]
pub struct RssCurve {
    pub samples: Vec<(f64, u64)>,
    pub peak_kb: Option<u64>,
}

impl RssCurve {
    pub fn push(&mut self, seconds: f64, kb: u64) {
        self.samples.push(((seconds * 10.0).round() / 10.0, kb));
        self.peak_kb = Some(self.peak_kb.map_or(kb, |peak| peak.max(kb)));
    }
}

/// Samples `pid` every second until `stop` changes; the process vanishing ends sampling early.
pub async fn sample(pid: u32, mut stop: watch::Receiver<bool>) -> RssCurve {
    let path = format!("/proc/{pid}/status");
    let started = Instant::now();
    let mut curve = RssCurve::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let Ok(text) = tokio::fs::read_to_string(&path).await else { break };
                if let Some(kb) = parse_vm_rss(&text) {
                    curve.push(started.elapsed().as_secs_f64(), kb);
                }
            }
            _ = stop.changed() => break,
        }
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tentraide\nUmask:\t0022\nState:\tS (sleeping)\n\
        VmPeak:\t 1290444 kB\nVmHWM:\t   71236 kB\nVmRSS:\t   65432 kB\nRssAnon:\t   40000 kB\n\
        Threads:\t70\n";

    #[test]
    fn reads_vm_rss_not_the_other_memory_lines() {
        assert_eq!(parse_vm_rss(STATUS), Some(65_432));
    }

    #[test]
    fn a_status_without_vm_rss_has_none() {
        assert_eq!(parse_vm_rss("Name:\tkthreadd\nState:\tS\n"), None);
        assert_eq!(parse_vm_rss("VmRSS:\t 12 MB\n"), None);
    }

    #[test]
    fn the_curve_keeps_its_peak() {
        let mut curve = RssCurve::default();
        curve.push(0.0, 100);
        curve.push(1.04, 300);
        curve.push(2.0, 200);
        assert_eq!(curve.peak_kb, Some(300));
        assert_eq!(curve.samples, vec![(0.0, 100), (1.0, 300), (2.0, 200)]);
    }

    #[tokio::test]
    async fn samples_this_process() {
        let (stop, stopped) = watch::channel(false);
        let sampler = tokio::spawn(sample(std::process::id(), stopped));
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.send(true).unwrap();
        let curve = sampler.await.unwrap();
        assert!(curve.peak_kb.unwrap() > 0);
        assert_eq!(curve.samples.len(), 1);
    }
}
