#!/usr/bin/env bash
# schemathesis over the whole OpenAPI document of a live `causerie serve` on SmolLM2 (loopback only), the
# way the issue's probe ran it: every operation, EXAMPLES generated cases each (valid and invalid), all
# checks. Prints schemathesis' own summary (operations, cases, failures). About 5 minutes on 2 cores.
# The skills are left out by default: on a tiny looping model each valid case runs for up to skill_timeout
# (a 20-minute run); tests/unit/test_openapi_fuzz.py fuzzes them in process. SKILLS=1 includes them.
#   bench/fuzz.sh            # EXAMPLES=50
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${EXAMPLES:-50}
HOME_DIR=$(mktemp -d -t causerie-fuzz-XXXX)
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Skills on a looping tiny model can run for minutes: a short limit keeps each case bounded.
printf 'skill_timeout = 20\n' > "$HOME_DIR/config.toml"
env -u CAUSERIE_HOME CAUSERIE_HOME="$HOME_DIR" .venv/bin/causerie serve --model smollm2-135m-instruct \
  --host 127.0.0.1 --port "$PORT" --parallel 4 --threads 2 >"$HOME_DIR/server.log" 2>&1 &
SERVER=$!
# SERVER_LOG=path keeps the server's log (what it said about a failing case) after the run.
stop() { kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; [ -z "${SERVER_LOG:-}" ] || cp "$HOME_DIR/server.log" "$SERVER_LOG"; rm -rf "$HOME_DIR"; }
trap stop EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.3; done
status=0
skip=()
[ "${SKILLS:-0}" = 1 ] || skip=(--exclude-path-regex '^/api/skills/.+')
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=bench .venv/bin/schemathesis run \
  "http://127.0.0.1:$PORT/openapi.json" --max-examples "$EXAMPLES" --generation-deterministic \
  --request-timeout 60 --workers 1 --no-color "${skip[@]}" "$@" || status=$?
stop
trap - EXIT
exit $status
