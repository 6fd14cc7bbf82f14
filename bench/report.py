"""Writes a run's results as JSON, a Markdown table and an SVG chart.

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
runs = [r for r in records if r["endpoint"] not in ("warmup", "server")]
servers = {(r["backend"], r["size"]): r for r in records if r["endpoint"] == "server"}


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
          "feed_vs_static": derived, "feed_growth": growth}
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
print(f"results: {out_dir / (name + '.md')}")
