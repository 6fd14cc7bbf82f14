"""Writes a run's results as JSON, Markdown tables and SVG charts.

The raw file holds wrk's measurements (one reader, bench/parse_wrk.py), the server's peak RSS,
and the load generator's runs (bench/loadgen, `"kind": "loadgen"`: many readers, one endpoint at a
time, and the mixed run with its per-endpoint figures, errors, freshness check and RSS curve).

usage: report.py RAW.jsonl OUT_DIR NAME
"""
import json
import platform
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

raw, out_dir, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
records = [json.loads(line) for line in raw.read_text().splitlines() if line.strip()]
loadgen = [r for r in records if r.get("kind") == "loadgen"]
records = [r for r in records if r.get("kind") != "loadgen"]
runs = [r for r in records if r["endpoint"] not in ("warmup", "server")]
servers = {(r["backend"], r["size"]): r for r in records if r["endpoint"] == "server"}
many_readers = [r for r in loadgen if r["scenario"] == "read"]
mixed = [r for r in loadgen if r["scenario"] == "mixed"]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


machine = {
    "cpu": cpu_model(),
    "cores": len([l for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("processor")]),
    "kernel": platform.release(),
    "commit": git_commit(),
}

# Derived figures for the targets.
derived = []
by_key = {(r["backend"], r["size"], r["endpoint"], r["connections"]): r for r in runs}
for (backend, size, endpoint, connections), r in sorted(by_key.items()):
    if endpoint != "feed":
        continue
    static = by_key.get((backend, size, "static", connections))
    derived.append({
        "backend": backend, "size": size, "connections": connections,
        "feed_vs_static": round(r["rps"] / static["rps"], 3) if static and static["rps"] else None,
    })
growth = []
for backend in sorted({r["backend"] for r in runs}):
    for connections in sorted({r["connections"] for r in runs}):
        small = by_key.get((backend, "small", "feed", connections))
        large = by_key.get((backend, "large", "feed", connections))
        if small and large and small["p50_ms"]:
            growth.append({"backend": backend, "connections": connections,
                           "feed_p50_large_over_small": round(large["p50_ms"] / small["p50_ms"], 2)})

out_dir.mkdir(parents=True, exist_ok=True)
result = {"name": name, "machine": machine, "runs": runs, "servers": list(servers.values()),
          "feed_vs_static": derived, "feed_growth": growth,
          "many_readers": many_readers, "mixed": mixed}
(out_dir / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")

lines = [f"# Benchmark {name}", "",
         f"Machine: {machine['cpu']}, {machine['cores']} cores, Linux {machine['kernel']}; commit {machine['commit']}.", "",
         "| backend | size | endpoint | conns | req/s | p50 ms | p90 ms | p99 ms | non-2xx |",
         "|---|---|---|---:|---:|---:|---:|---:|---:|"]
for r in runs:
    lines.append(f"| {r['backend']} | {r['size']} | {r['endpoint']} | {r['connections']} | {r['rps']:.0f} | "
                 f"{r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {r['non_2xx']} |")
lines += ["", "| backend | size | seed s | peak RSS MB |", "|---|---|---:|---:|"]
for (backend, size), s in sorted(servers.items()):
    lines.append(f"| {backend} | {size} | {s['seed_seconds']} | {s['peak_rss_mb']} |")
if derived:
    lines += ["", "Feed throughput / static throughput (target >= 0.40):", ""]
    lines += [f"- {d['backend']} {d['size']} c={d['connections']}: {d['feed_vs_static']}" for d in derived]
if growth:
    lines += ["", "Feed p50 at 1M posts / at 10k posts (target <= 1.2):", ""]
    lines += [f"- {g['backend']} c={g['connections']}: {g['feed_p50_large_over_small']}" for g in growth]


def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def statuses(by_status):
    return ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())) or "-"


if many_readers:
    lines += ["", "## Many readers (bench/loadgen)", "",
              "Each request as a seeded member drawn at random among `readers` logged in (one token "
              "each); single-reader req/s is wrk's at the same connection count, as bench1 alone.", "",
              "| backend | size | endpoint | readers | conns | req/s | single reader req/s | p50 ms | p90 ms | p99 ms | max ms | errors | re-logins |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in many_readers:
        single = by_key.get((r["backend"], r["size"], r["endpoint"], r["connections"]))
        lines.append(f"| {r['backend']} | {r['size']} | {r['endpoint']} | {r['readers']} | {r['connections']} | "
                     f"{r['rps']:.0f} | {fmt(single['rps'], 0) if single else '-'} | {fmt(r['p50_ms'])} | "
                     f"{fmt(r['p90_ms'])} | {fmt(r['p99_ms'])} | {fmt(r['max_ms'])} | "
                     f"{r['errors']} ({statuses(r['non_2xx'])}) | {r['reauth']} |")
for r in mixed:
    total = r["total"]
    peak = r.get("rss_peak_kb")
    lines += ["", f"## Mixed run: {r['backend']} {r['size']}", "",
              f"{r['readers']} readers, {r['connections']} connections, {r['duration_s']} s after a "
              f"{r['warmup_s']} s warm-up: {total['rps']:.0f} req/s, **{r['errors']} errors** "
              f"(by status: {statuses(total['non_2xx'])}; transport: {total['transport_errors']}), "
              f"{r['reauth']} re-logins, freshness check **{'pass' if r['freshness']['pass'] else 'FAIL'}** "
              f"({r['freshness']['detail']}), server RSS peak "
              f"{fmt(peak / 1024, 1) + ' MB' if peak else 'not sampled'}.", "",
              "| endpoint | count | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for endpoint, e in r["endpoints"].items():
        lines.append(f"| {endpoint} | {e['count']} | {e['rps']:.0f} | {fmt(e['p50_ms'])} | {fmt(e['p90_ms'])} | "
                     f"{fmt(e['p99_ms'])} | {fmt(e['max_ms'])} | {statuses(e['non_2xx'])} |")
    samples = r.get("rss_kb") or []
    if samples:
        step = max(1, len(samples) // 20)
        curve = ", ".join(f"{t:.0f}s {kb / 1024:.0f}" for t, kb in samples[::step])
        lines += ["", f"RSS over time (MB; the first {r['warmup_s']} s are the warm-up): {curve}."]
(out_dir / f"{name}.md").write_text("\n".join(lines) + "\n")

# SVG: for the highest connection count, one bar per endpoint and (backend, size): req/s on the
# left panel, p99 on the right.
top = max((r["connections"] for r in runs), default=0)
series = defaultdict(dict)
for r in runs:
    if r["connections"] == top:
        series[(r["backend"], r["size"])][r["endpoint"]] = r
endpoints = sorted({e for s in series.values() for e in s})
keys = sorted(series)
colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
width, height, margin = 1000, 420, 60
panel = (width - 3 * margin) / 2
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
       f'<text x="{margin}" y="20" font-size="14">{name}: {top} connections</text>']
for p, (metric, title) in enumerate([("rps", "requests/s"), ("p99_ms", "p99 latency (ms)")]):
    x0 = margin + p * (panel + margin)
    values = [series[k][e][metric] or 0 for k in keys for e in endpoints if e in series[k]]
    peak = max(values, default=1) or 1
    svg.append(f'<text x="{x0}" y="45" font-size="12">{title}</text>')
    group_w = panel / max(len(endpoints), 1)
    bar_w = group_w / (len(keys) + 1)
    base = height - margin
    for i, e in enumerate(endpoints):
        gx = x0 + i * group_w
        svg.append(f'<text x="{gx + group_w / 2}" y="{base + 14}" text-anchor="middle">{e}</text>')
        for j, k in enumerate(keys):
            r = series[k].get(e)
            if not r:
                continue
            v = r[metric] or 0
            h = (height - 2 * margin - 30) * v / peak
            svg.append(f'<rect x="{gx + j * bar_w}" y="{base - h}" width="{bar_w * 0.9}" height="{h}" fill="{colors[j % len(colors)]}"><title>{k[0]} {k[1]} {e}: {v}</title></rect>')
    svg.append(f'<line x1="{x0}" y1="{base}" x2="{x0 + panel}" y2="{base}" stroke="black"/>')
for j, k in enumerate(keys):
    svg.append(f'<rect x="{margin + j * 150}" y="{height - 25}" width="10" height="10" fill="{colors[j % len(colors)]}"/>'
               f'<text x="{margin + j * 150 + 14}" y="{height - 16}">{k[0]} {k[1]}</text>')
svg.append("</svg>")
(out_dir / f"{name}.svg").write_text("\n".join(svg) + "\n")

# SVG: the server's RSS during each mixed run, one line per (backend, size).
curves = [(f"{r['backend']} {r['size']}", r.get("rss_kb") or []) for r in mixed]
curves = [(label, samples) for label, samples in curves if samples]
if curves:
    width, height, margin = 700, 320, 50
    t_max = max(t for _, samples in curves for t, _ in samples) or 1
    mb_max = max(kb for _, samples in curves for _, kb in samples) / 1024 or 1
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<text x="{margin}" y="20" font-size="14">{name}: server RSS during the mixed run (MB over seconds)</text>',
           f'<line x1="{margin}" y1="{height - margin}" x2="{width - margin}" y2="{height - margin}" stroke="black"/>',
           f'<line x1="{margin}" y1="{margin}" x2="{margin}" y2="{height - margin}" stroke="black"/>',
           f'<text x="{margin - 5}" y="{margin + 4}" text-anchor="end">{mb_max:.0f}</text>',
           f'<text x="{margin - 5}" y="{height - margin}" text-anchor="end">0</text>',
           f'<text x="{width - margin}" y="{height - margin + 14}" text-anchor="end">{t_max:.0f} s</text>']
    for j, (label, samples) in enumerate(curves):
        points = " ".join(f"{margin + (width - 2 * margin) * t / t_max:.1f},"
                          f"{height - margin - (height - 2 * margin) * kb / 1024 / mb_max:.1f}" for t, kb in samples)
        color = colors[j % len(colors)]
        svg.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{points}"/>')
        svg.append(f'<rect x="{margin + j * 150}" y="{height - 25}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{margin + j * 150 + 14}" y="{height - 16}">{label}</text>')
    svg.append("</svg>")
    (out_dir / f"{name}.rss.svg").write_text("\n".join(svg) + "\n")
print(f"results: {out_dir / (name + '.md')}")
