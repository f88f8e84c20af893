#!/usr/bin/env bash
# Fuzz the JSON API with schemathesis: a fresh SQLite database with the demo district, the app
# served by gunicorn on a free port, a demo token. Fails on any server error or any response
# that does not match the OpenAPI schema. Bounded: few examples per operation and a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK="$(mktemp -d)"
export ZHICUN_SQLITE="$WORK/fuzz.sqlite3" ZHICUN_MEDIA_ROOT="$WORK/media"
PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --quiet-accounts >/dev/null
.venv/bin/gunicorn zhicun.wsgi --bind "127.0.0.1:$PORT" --workers 4 --preload --timeout 120 \
    --log-level warning \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
TOKEN="$($PY - "$BASE" "${FUZZ_USER:-dashihao}" "$WORK/openapi.json" <<'PYEOF'
import json, os, sys, time, urllib.request
base, user, schema = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 300  # a cold start on a busy machine is slow
while True:
    try:
        urllib.request.urlopen(base + "/healthz", timeout=30)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(1)
password = os.environ.get("FUZZ_PASSWORD", "Zhicun@2026")  # the demo accounts' password
body = json.dumps({"username": user, "password": password, "name": "fuzz"}).encode()
req = urllib.request.Request(base + "/api/v1/auth/token", body, {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=300))["token"])
# The schema is read once here, where a slow first answer is no failure.
with open(schema, "wb") as f:
    f.write(urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=300).read())
PYEOF
)"
status=0
timeout "${FUZZ_TIMEOUT:-900}" .venv/bin/schemathesis run "$WORK/openapi.json" --url "$BASE" \
    --header "Authorization: Bearer $TOKEN" \
    --exclude-path "/api/v1/auth/tokens/{token_id}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${FUZZ_EXAMPLES:-10}" --seed "${FUZZ_SEED:-20261128}" --workers 1 \
    --request-timeout 30 || status=$?
if grep -q "Traceback" "$WORK/server.log"; then
    echo "server errors logged:" >&2
    grep -B2 -A20 "Traceback" "$WORK/server.log" | head -80 >&2
    status=1
fi
exit "$status"
