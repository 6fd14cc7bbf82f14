"""Turns wrk's --latency output (stdin) into one JSON line."""
import json
import re
import sys

backend, size, endpoint, connections = sys.argv[1:5]
text = sys.stdin.read()


def millis(value: str) -> float:
    number = float(re.match(r"[\d.]+", value).group())
    unit = value[len(re.match(r"[\d.]+", value).group()):]
    return {"us": number / 1000, "ms": number, "s": number * 1000, "m": number * 60000}[unit]


latency = {}
for pct in ("50", "90", "99"):
    match = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
    latency[f"p{pct}_ms"] = round(millis(match.group(1)), 3) if match else None
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(json.dumps({
    "backend": backend,
    "size": size,
    "endpoint": endpoint,
    "connections": int(connections),
    "rps": float(rps.group(1)) if rps else 0.0,
    **latency,
    "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    "socket_errors": errors.group(0) if errors else None,
}))
