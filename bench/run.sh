#!/usr/bin/env bash
# The benchmark harness: seed a dataset, start the release server, warm it, measure requests/s and
# latency (p50/p90/p99) with wrk at several connection counts (one reader), then with the load
# generator (bench/loadgen: many readers, and a mixed read/write run with the server's RSS curve),
# record the server's peak RSS, and write JSON, a Markdown table and SVG charts under
# bench/results/. See bench/README.md.
#
#   bench/run.sh                      # both backends, 10k and 1M posts (~40 min)
#   bench/run.sh --backends sqlite --sizes small
#   bench/run.sh --smoke              # seconds: proves the harness works (CI); no targets
#   bench/run.sh --backends sqlite --sizes small --readers 1000 --mixed-duration 30
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BACKENDS="sqlite postgres"
SIZES="small large"
CONNECTIONS="1 16 64"
DURATION=10
WARMUP=3
SMOKE=0
PROFILE=release
PG_ADMIN_URL="${ENTRAIDE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PORT="${ENTRAIDE_BENCH_PORT:-18080}"
ANALYZE=1
READERS=1000
MIXED_DURATION=180
LOADGEN_CONNECTIONS=64

while [ $# -gt 0 ]; do
  case "$1" in
    --backends) BACKENDS="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --fresh) ANALYZE=0; shift ;;
    --readers) READERS="$2"; shift 2 ;;
    --mixed-duration) MIXED_DURATION="$2"; shift 2 ;;
    --loadgen-connections) LOADGEN_CONNECTIONS="$2"; shift 2 ;;
    --smoke) SMOKE=1; SIZES="smoke"; CONNECTIONS="1 4"; DURATION=1; WARMUP=1; PROFILE=dev
      READERS=20; MIXED_DURATION=3; LOADGEN_CONNECTIONS=4; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
if [ "$PROFILE" = release ]; then
  cargo build --release --locked -q -p entraide-api -p entraide-loadgen
  BIN="$CARGO_TARGET_DIR/release/entraide"
  LOADGEN="$CARGO_TARGET_DIR/release/entraide-loadgen"
else
  cargo build --locked -q -p entraide-api -p entraide-loadgen
  BIN="$CARGO_TARGET_DIR/debug/entraide"
  LOADGEN="$CARGO_TARGET_DIR/debug/entraide-loadgen"
fi

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

WORK="$ROOT/bench/work"
mkdir -p "$WORK" "$ROOT/bench/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK/raw-$STAMP.jsonl"
: > "$RAW"

seed_args() {
  case "$1" in
    smoke) echo "--members 60 --groups 6 --posts 400 --comments 800 --reactions 400 --photos 20 --avatars 10" ;;
    small) echo "--members 2000 --groups 100 --posts 10000 --comments 30000 --reactions 20000 --photos 200 --avatars 200" ;;
    large) echo "--members 100000 --groups 1000 --posts 1000000 --comments 3000000 --reactions 1000000 --associations 100 --events 20000 --resources 2000 --places 5000 --photos 20000 --avatars 5000" ;;
    *) echo "unknown size $1" >&2; exit 2 ;;
  esac
}

database_url() {
  local backend=$1 size=$2
  if [ "$backend" = sqlite ]; then
    echo "sqlite://$WORK/bench-$size.db"
  else
    echo "${PG_ADMIN_URL%/*}/entraide_bench_$size"
  fi
}

fresh_database() {
  local backend=$1 size=$2
  rm -rf "$WORK/media-$backend-$size"
  if [ "$backend" = sqlite ]; then
    rm -f "$WORK/bench-$size.db" "$WORK/bench-$size.db-wal" "$WORK/bench-$size.db-shm" "$WORK/bench-$size.db.jwt-secret"
  else
    psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS entraide_bench_$size WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE entraide_bench_$size" >/dev/null
  fi
}

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Runs wrk and appends one JSON line: backend, size, endpoint, connections, rps, latencies.
measure() {
  local backend=$1 size=$2 endpoint=$3 connections=$4 method=$5 path=$6 body=${7:-}
  local threads=$(( connections < 2 ? 1 : 2 ))
  local script="$WORK/request.lua"
  cat > "$script" <<LUA
wrk.method = "$method"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
LUA
  if [ -n "$body" ]; then printf 'wrk.body = [[%s]]\n' "$body" >> "$script"; fi
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT$path" 2>&1)
  python3 "$ROOT/bench/parse_wrk.py" "$backend" "$size" "$endpoint" "$connections" <<<"$out" >> "$RAW"
}

for backend in $BACKENDS; do
  for size in $SIZES; do
    url=$(database_url "$backend" "$size")
    echo "== $backend / $size: seeding"
    fresh_database "$backend" "$size"
    analyze_flag=""; [ "$ANALYZE" = 1 ] && analyze_flag="--analyze"
    seed_start=$(date +%s.%N)
    export ENTRAIDE_MEDIA_DIR="$WORK/media-$backend-$size"
    ENTRAIDE_DATABASE_URL="$url" ENTRAIDE_LOG=warn "$BIN" seed --quiet $analyze_flag $(seed_args "$size") > "$WORK/seed-$backend-$size.txt"
    seed_seconds=$(python3 -c "print(round($(date +%s.%N) - $seed_start, 1))")
    echo "   seeded in ${seed_seconds}s"

    ENTRAIDE_DATABASE_URL="$url" ENTRAIDE_BIND="127.0.0.1:$PORT" ENTRAIDE_AUTH_RATE_LIMIT=0 \
      ENTRAIDE_LOG=warn ENTRAIDE_JWT_SECRET="bench-secret-bench-secret-bench-secret" \
      "$BIN" serve > "$WORK/server-$backend-$size.log" 2>&1 &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
      curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
      sleep 0.2
    done
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null

    TOKEN=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
      -d '{"email":"bench1@seed.entraide.test","password":"graine de solidarité 2026"}' | json_field "['access_token']")
    ME=$(curl -fs "http://127.0.0.1:$PORT/api/v1/members/me" -H "Authorization: Bearer $TOKEN" | json_field "['id']")
    GROUP=$(curl -fs "http://127.0.0.1:$PORT/api/v1/groups?mine=true&limit=1" -H "Authorization: Bearer $TOKEN" | json_field "['items'][0]['id']")
    POST=$(curl -fs "http://127.0.0.1:$PORT/api/v1/groups/$GROUP/posts?limit=1" -H "Authorization: Bearer $TOKEN" | json_field "['items'][0]['id']")

    endpoints=(
      "static|GET|/healthz|"
      "auth_read|GET|/api/v1/members/me/settings|"
      "feed|GET|/api/v1/feed|"
      "group_feed|GET|/api/v1/groups/$GROUP/posts|"
      "wall|GET|/api/v1/members/$ME/wall|"
      "search|GET|/api/v1/search?q=fatigue%20traitement|"
      "calendar|GET|/api/v1/events?from=2026-10-01T00:00:00Z&to=2026-12-31T00:00:00Z|"
      "create_post|POST|/api/v1/groups/$GROUP/posts|{\"body\": \"Message de test de charge, **bonne journée** à tous.\"}"
      "create_comment|POST|/api/v1/posts/$POST/comments|{\"body\": \"Merci pour ce partage.\"}"
    )
    for spec in "${endpoints[@]}"; do
      IFS='|' read -r name method path body <<<"$spec"
      DURATION_SAVED=$DURATION; DURATION=$WARMUP
      measure "$backend" "$size" "warmup" 16 "$method" "$path" "$body" >/dev/null
      DURATION=$DURATION_SAVED
      for c in $CONNECTIONS; do
        measure "$backend" "$size" "$name" "$c" "$method" "$path" "$body"
        echo "   $name c=$c: $(tail -n1 "$RAW" | json_field "['rps']") req/s"
      done
    done

    # Many readers (bench/loadgen): each request as one of READERS seeded members, chosen at
    # random; then the mixed run (90% reads, 10% writes) with the server's RSS each second and the
    # freshness check. One JSON line per run, in the same raw file.
    loadgen=("$LOADGEN" --url "http://127.0.0.1:$PORT" --readers "$READERS"
      --connections "$LOADGEN_CONNECTIONS" --warmup "$WARMUP" --backend "$backend" --size "$size" --out "$RAW")
    echo "== $backend / $size: $READERS readers at $LOADGEN_CONNECTIONS connections (loadgen)"
    "${loadgen[@]}" read --endpoint auth_read,feed,group_feed,wall --duration "$DURATION"
    "${loadgen[@]}" mixed --duration "$MIXED_DURATION" --server-pid "$SERVER"

    rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
    python3 -c "import json; print(json.dumps({'backend': '$backend', 'size': '$size', 'endpoint': 'server', 'peak_rss_mb': round($rss_kb/1024, 1), 'seed_seconds': $seed_seconds}))" >> "$RAW"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    trap - EXIT
  done
done

label=$([ "$SMOKE" = 1 ] && echo smoke || echo full)
python3 "$ROOT/bench/report.py" "$RAW" "$ROOT/bench/results" "$STAMP-$label"
