#!/usr/bin/env bash
# Property-based contract tests: schemathesis generates requests from the committed OpenAPI
# document, positive and negative, for every operation, anonymous and as a signed-in member,
# against the release binary on SQLite and on PostgreSQL. Every answer must be documented
# (status code, content type, body schema), none may be a server error, and data valid per the
# spec must be accepted (positive_data_acceptance, with the exceptions .ci/schemathesis.toml
# lists and explains).
#
#   .ci/schemathesis.sh                      # bounded run (CI): both backends
#   .ci/schemathesis.sh --long               # a longer run (more examples, more time)
#   .ci/schemathesis.sh --backend sqlite     # one backend
#   .ci/schemathesis.sh --debug              # the debug binary (faster to build)
#   .ci/schemathesis.sh --no-positive        # without positive_data_acceptance
#
# schemathesis is installed from PyPI into a virtualenv under ~/.cache by this script.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
PG_URL="${ENTRAIDE_CI_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SCHEMATHESIS_VERSION="4.32.5"
VENV="${SCHEMATHESIS_VENV:-$HOME/.cache/entraide-schemathesis-$SCHEMATHESIS_VERSION}"
BACKENDS="sqlite postgres"
MAX_EXAMPLES=12
MAX_TIME=75
PROFILE=release
SEED="${SCHEMATHESIS_SEED:-20261202}"
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
POSITIVE=",positive_data_acceptance"

while [ $# -gt 0 ]; do
  case "$1" in
    --long) MAX_EXAMPLES=100; MAX_TIME=900 ;;
    --backend) BACKENDS="$2"; shift ;;
    --debug) PROFILE=debug ;;
    --positive) POSITIVE=",positive_data_acceptance" ;;  # the default; kept for old command lines
    --no-positive) POSITIVE="" ;;
    --max-examples) MAX_EXAMPLES="$2"; shift ;;
    --max-time) MAX_TIME="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
CHECKS="$CHECKS$POSITIVE"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ "$PROFILE" = release ]; then
  cargo build --release --locked -q -p entraide-api
  BIN="$CARGO_TARGET_DIR/release/entraide"
else
  cargo build --locked -q -p entraide-api
  BIN="$CARGO_TARGET_DIR/debug/entraide"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A member to sign in as, and a few things for generated requests to find: a group, a post.
prepare() {
  python3 - "$1" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")
password = "lanterne verte sous la pluie"
call("POST", "/api/v1/auth/register", {"email": "fuzz@example.org", "password": password,
     "pseudonym": "Fuzzeur", "kind": "patient"})
token = call("POST", "/api/v1/auth/login", {"email": "fuzz@example.org", "password": password})["access_token"]
group = call("POST", "/api/v1/groups", {"name": "Vivre avec", "description": "Entraide",
     "visibility": "public", "audience": "everyone"}, token)
call("POST", f"/api/v1/groups/{group['id']}/posts", {"body": "Bonjour à toutes et à tous"}, token)
print(token)
PY
}

failures=0
for backend in $BACKENDS; do
  case "$backend" in
    sqlite) DB_URL="sqlite://$WORK/fuzz.db" ;;
    postgres)
      PG_DB="entraide_fuzz_$(date +%s)_$$"
      psql "$PG_URL" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE $PG_DB" >/dev/null
      DB_URL="${PG_URL%/*}/$PG_DB" ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  ENTRAIDE_DATABASE_URL="$DB_URL" ENTRAIDE_BIND="127.0.0.1:$PORT" \
  ENTRAIDE_JWT_SECRET="schemathesis-secret-schemathesis-secret-42" \
  ENTRAIDE_AUTH_RATE_LIMIT=0 ENTRAIDE_ACCESS_TOKEN_TTL_SECS=7200 ENTRAIDE_LOG=warn \
  ENTRAIDE_LOG_FORMAT=json \
    "$BIN" serve >"$WORK/server-$backend.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  TOKEN="$(prepare "$BASE")"

  # One worker: with two, hypothesis parses lambda sources from both threads at once and
  # CPython 3.11's `ast` fails at random ("AST constructor recursion depth mismatch"), which
  # schemathesis reports as a Runtime Error on whichever operation it was generating.
  common=(--config-file .ci/schemathesis.toml run openapi/openapi.json --url "$BASE" --checks "$CHECKS"
          --mode all --max-examples "$MAX_EXAMPLES" --seed "$SEED" --phases examples,coverage,fuzzing
          --generation-database none --no-color --workers 1 --request-timeout 10
          --suppress-health-check all --max-time "$MAX_TIME")
  # Operations that end the very session the run signs in with.
  # (revoke_my_session also ends it when schemathesis reuses a session id it read; excluding it
  # makes the signed-in pass reach ~120 more operations signed in: to do with a full CI run.)
  # The notification stream never ends while its session lives (it would only time out): its
  # anonymous answers are checked here, its events by tests/tests/api/notification_stream.rs.
  keep_session=(--exclude-operation-id logout --exclude-operation-id change_password
                --exclude-operation-id stream_notifications)

  echo "==> schemathesis on $backend, anonymous"
  "$VENV/bin/schemathesis" "${common[@]}" || failures=$((failures + 1))
  echo "==> schemathesis on $backend, signed in as a member"
  "$VENV/bin/schemathesis" "${common[@]}" "${keep_session[@]}" -H "Authorization: Bearer $TOKEN" \
    || failures=$((failures + 1))

  # Errors the server logged (a 500's cause, a panic); actix's own notes about requests it could
  # not even parse (invalid header bytes, answered 400 before any handler) are not ours.
  errors_logged() { grep '"level":"ERROR"' "$WORK/server-$backend.log" | grep -v '"target":"actix_http::h1::dispatcher"' || true; }
  if [ -n "$(errors_logged)" ]; then
    echo "server errors logged on $backend:"; errors_logged | head -20
    failures=$((failures + 1))
  fi
  curl -fsS "$BASE/readyz" >/dev/null || { echo "server not ready after the run on $backend"; failures=$((failures + 1)); }
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  if [ -n "$PG_DB" ]; then psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null; PG_DB=""; fi
done

if [ "$failures" -ne 0 ]; then
  echo "schemathesis: $failures failing run(s)" >&2
  exit 1
fi
echo "schemathesis: no server error, every answer documented, on: $BACKENDS"
