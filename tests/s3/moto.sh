# Sourced (not run): a real S3-compatible server for the S3 media store's tests. Installs moto's
# server (pinned, in a virtualenv under ~/.cache), starts `moto_server` on a free port of
# 127.0.0.1, waits until it answers, exports ENTRAIDE_TEST_S3_ENDPOINT (the tests read it) and
# stops the server when the sourcing shell exits (trap EXIT). Used by .ci/run and with-moto.sh.
MOTO_VERSION="5.2.6"
MOTO_VENV="${ENTRAIDE_MOTO_VENV:-$HOME/.cache/entraide-moto-$MOTO_VERSION}"
if ! "$MOTO_VENV/bin/python" -c "import moto.server" >/dev/null 2>&1; then
  rm -rf "$MOTO_VENV"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi
MOTO_PORT="$("$MOTO_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MOTO_LOG="$(mktemp -t entraide-moto.XXXXXX.log)"
"$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$MOTO_LOG" 2>&1 &
MOTO_PID=$!
stop_moto() { kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; }
trap stop_moto EXIT
for _ in $(seq 1 60); do
  if "$MOTO_VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$MOTO_PORT/moto-api/', timeout=1)" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then
    echo "FATAL: moto_server exited; its log:" >&2
    cat "$MOTO_LOG" >&2
    exit 1
  fi
  sleep 0.5
done
if ! "$MOTO_VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$MOTO_PORT/moto-api/', timeout=1)" >/dev/null 2>&1; then
  echo "FATAL: moto_server does not answer on 127.0.0.1:$MOTO_PORT; its log:" >&2
  cat "$MOTO_LOG" >&2
  exit 1
fi
export ENTRAIDE_TEST_S3_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
echo "moto $MOTO_VERSION (S3) on $ENTRAIDE_TEST_S3_ENDPOINT (pid $MOTO_PID, log $MOTO_LOG)"
