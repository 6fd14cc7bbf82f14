//! `entraide-loadgen`: reads (and writes) as many seeded members at once, so that what a
//! per-reader cache or session check costs shows as real traffic would see it. One JSON line per
//! run (stdout or `--out`), which bench/report.py merges into the result files. See bench/README.md.

mod choice;
mod http;
mod readers;
mod rss;
mod stats;
mod workload;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::http::Target;
use crate::stats::Recorder;
use crate::workload::{Context, MIXED, Op};

#[derive(Parser)]
#[command(
    name = "entraide-loadgen",
    about = "Many-reader load generator for Entraide"
)]
struct Cli {
    /// The server (plain HTTP).
    #[arg(long, global = true, default_value = "http://127.0.0.1:18080")]
    url: String,
    /// Seeded members to log in as (bench1..10, then member10...), fewer if the dataset has
    /// fewer members.
    #[arg(long, global = true, default_value_t = 1000)]
    readers: usize,
    /// Logins at a time (each hashes a password on the server).
    #[arg(long, global = true, default_value_t = 4)]
    login_concurrency: usize,
    /// Connections (one task each, requests one after another on a keep-alive connection).
    #[arg(long, short = 'c', global = true, default_value_t = 64)]
    connections: usize,
    /// Seconds of unrecorded load before each measurement.
    #[arg(long, global = true, default_value_t = 3)]
    warmup: u64,
    /// Appends the JSON lines to this file instead of stdout.
    #[arg(long, global = true)]
    out: Option<PathBuf>,
    /// Labels copied into the JSON lines (bench/run.sh passes the backend and dataset size).
    #[arg(long, global = true, default_value = "")]
    backend: String,
    #[arg(long, global = true, default_value = "")]
    size: String,
    /// Seeds the random choices of readers and operations.
    #[arg(long, global = true, default_value_t = 42)]
    seed: u64,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// One endpoint at a time (several: one after another, with the same logged-in readers).
    Read {
        /// auth_read, feed, group_feed, wall, post, calendar, search (comma-separated or repeated).
        #[arg(long, value_delimiter = ',', required = true)]
        endpoint: Vec<Op>,
        /// Seconds measured per endpoint.
        #[arg(long, default_value_t = 10)]
        duration: u64,
    },
    /// 90% reads, 10% writes, then the freshness check; the server's RSS each second.
    Mixed {
        #[arg(long, default_value_t = 180)]
        duration: u64,
        /// The server's process id: its VmRSS is sampled once a second.
        #[arg(long)]
        server_pid: Option<u32>,
    },
}

const READS: [Op; 7] = [
    Op::AuthRead,
    Op::Feed,
    Op::GroupFeed,
    Op::Wall,
    Op::Post,
    Op::Calendar,
    Op::Search,
];

struct Output(Option<PathBuf>);

impl Output {
    fn line(&self, value: &Value) -> Result<()> {
        let line = format!("{value}\n");
        match &self.0 {
            Some(path) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut file| file.write_all(line.as_bytes()))
                .with_context(|| format!("writing {}", path.display())),
            None => std::io::stdout()
                .write_all(line.as_bytes())
                .context("writing stdout"),
        }
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let target = Target::parse(&cli.url).await?;
    let output = Output(cli.out.clone());
    if let Scenario::Read { endpoint, .. } = &cli.scenario
        && let Some(write) = endpoint.iter().find(|op| !READS.contains(op))
    {
        anyhow::bail!(
            "{} is a write: the read scenario takes auth_read, feed, group_feed, wall, post, \
             calendar, search",
            write.name()
        );
    }

    let readers = readers::log_in(&target, cli.readers, cli.login_concurrency).await?;
    eprintln!(
        "loadgen: {} readers logged in in {:.1}s ({} in groups, {} with a group to join{})",
        readers.all.len(),
        readers.login_seconds,
        readers.with_groups.len(),
        readers.with_candidate.len(),
        if readers.missing > 0 {
            format!("; {} asked for do not exist", readers.missing)
        } else {
            String::new()
        }
    );
    let base = json!({
        "kind": "loadgen",
        "backend": cli.backend,
        "size": cli.size,
        "connections": cli.connections,
        "readers": readers.all.len(),
        "readers_requested": cli.readers,
        "login_seconds": (readers.login_seconds * 10.0).round() / 10.0,
        "warmup_s": cli.warmup,
    });
    let ctx = Arc::new(Context::new(readers));
    let warmup = Duration::from_secs(cli.warmup);

    match cli.scenario {
        Scenario::Read { endpoint, duration } => {
            for op in endpoint {
                let recorder = workload::drive(
                    ctx.clone(),
                    &target,
                    &[(op, 1)],
                    cli.connections,
                    warmup,
                    Duration::from_secs(duration),
                    cli.seed,
                )
                .await?;
                let stats = recorder.total()?.summary(duration as f64);
                eprintln!(
                    "loadgen read {}: {:.0} req/s, p50 {} p99 {} max {} ms, {} errors, {} re-logins",
                    op.name(),
                    stats.rps,
                    ms(stats.p50_ms),
                    ms(stats.p99_ms),
                    ms(stats.max_ms),
                    stats.errors,
                    recorder.reauth
                );
                let mut line = base.clone();
                extend(
                    &mut line,
                    json!({ "scenario": "read", "endpoint": op.name(),
                    "duration_s": duration, "reauth": recorder.reauth }),
                );
                extend(&mut line, serde_json::to_value(&stats)?);
                output.line(&line)?;
            }
        }
        Scenario::Mixed {
            duration,
            server_pid,
        } => {
            let (stop, stopped) = watch::channel(false);
            let sampler = server_pid.map(|pid| tokio::spawn(rss::sample(pid, stopped)));
            let recorder = workload::drive(
                ctx.clone(),
                &target,
                &MIXED,
                cli.connections,
                warmup,
                Duration::from_secs(duration),
                cli.seed,
            )
            .await?;
            let _ = stop.send(true);
            let rss = match sampler {
                Some(sampler) => Some(sampler.await?),
                None => None,
            };
            let freshness = workload::freshness(&ctx, &target).await?;
            let line = mixed_line(
                base,
                &recorder,
                duration,
                &freshness,
                rss.as_ref(),
                cli.warmup,
            )?;
            eprintln!(
                "loadgen mixed: {:.0} req/s, {} errors, {} re-logins, freshness {}, RSS peak {} kB",
                line["total"]["rps"].as_f64().unwrap_or_default(),
                line["errors"],
                recorder.reauth,
                if freshness.pass { "pass" } else { "FAIL" },
                line["rss_peak_kb"]
            );
            output.line(&line)?;
        }
    }
    Ok(())
}

fn extend(line: &mut Value, more: Value) {
    if let (Some(line), Value::Object(more)) = (line.as_object_mut(), more) {
        line.extend(more);
    }
}

/// The mixed run's JSON line: per endpoint, all together, errors (a failed freshness check is
/// one), the RSS curve (seconds from the start of the warm-up) and its peak.
fn mixed_line(
    mut line: Value,
    recorder: &Recorder,
    duration: u64,
    freshness: &workload::Freshness,
    rss: Option<&rss::RssCurve>,
    warmup: u64,
) -> Result<Value> {
    let seconds = duration as f64;
    let mut endpoints = BTreeMap::new();
    for (name, stats) in &recorder.endpoints {
        endpoints.insert(*name, serde_json::to_value(stats.summary(seconds))?);
    }
    let total = recorder.total()?.summary(seconds);
    let errors = total.errors + u64::from(!freshness.pass);
    extend(
        &mut line,
        json!({
            "scenario": "mixed",
            "duration_s": duration,
            "endpoints": endpoints,
            "total": total,
            "reauth": recorder.reauth,
            "freshness": freshness,
            "errors": errors,
            "rss_kb": rss.map(|c| &c.samples),
            "rss_peak_kb": rss.and_then(|c| c.peak_kb),
            "rss_warmup_s": warmup,
        }),
    );
    Ok(line)
}
