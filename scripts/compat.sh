#!/usr/bin/env bash
# Runs code we did not write against a live `emergent serve` on loopback: the official openai Python SDK
# (Tests/Compat/openai_client_check.py) and lm-evaluation-harness (local-completions with the remote tokenizer,
# Tests/Compat/run_lm_eval.sh). Part of `make test`; needs `scripts/setup.sh --peers` and a built `emergent`.
#
#   scripts/compat.sh [path/to/emergent]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/.build/debug/emergent}"
VENV="$ROOT/.deps/clients-venv"
KEY="compat-$RANDOM$RANDOM"
LOG="$(mktemp "${TMPDIR:-/tmp}/emergent-compat.XXXXXX.log")"

[ -x "$BIN" ] || { echo "compat: $BIN is missing; build first (swift build)" >&2; exit 2; }
[ -x "$VENV/bin/python" ] || { echo "compat: $VENV is missing; run scripts/setup.sh --peers" >&2; exit 2; }

"$BIN" serve --port 0 --name emergent-default --api-key "$KEY" --parallel 2 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 120); do
    PORT="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$LOG" | head -1)"
    [ -n "$PORT" ] && break
    kill -0 $PID 2>/dev/null || { cat "$LOG" >&2; echo "compat: the server exited" >&2; exit 1; }
    sleep 0.5
done
[ -n "$PORT" ] || { cat "$LOG" >&2; echo "compat: the server did not start in 60 s" >&2; exit 1; }
echo "==> openai SDK against emergent serve on port $PORT"
"$VENV/bin/python" "$ROOT/Tests/Compat/openai_client_check.py" --base-url "http://127.0.0.1:$PORT/v1" \
    --model emergent-default --api-key "$KEY" --embedding-model emergent-default
echo "==> lm-evaluation-harness (local-completions, tokenizer_backend=remote)"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/emergent-lm-eval.XXXXXX")"
OPENAI_API_KEY="$KEY" LM_EVAL_OUTPUT="$OUT" "$ROOT/Tests/Compat/run_lm_eval.sh" "http://127.0.0.1:$PORT" emergent-default \
    2>&1 | grep -v "Requesting API\|Tokenizing inputs\|it/s\]" || true
# lm-eval must have produced scores for both tasks.
RESULTS="$(find "$OUT" -name 'results_*.json' | head -1)"
[ -n "$RESULTS" ] || { echo "compat: lm-eval wrote no results" >&2; exit 1; }
"$VENV/bin/python" - "$RESULTS" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
mc, arith = results["emergent_mc"], results["emergent_arith"]
assert 0.0 <= mc["acc,none"] <= 1.0, mc
assert "exact_match,first-integer" in arith, arith
print(f"lm-eval scores: emergent_mc acc={mc['acc,none']:.2f}, emergent_arith exact_match={arith['exact_match,first-integer']:.2f}")
PY
kill -TERM $PID
wait $PID && echo "==> server exited 0 on SIGTERM" || { echo "compat: server exit status $? on SIGTERM" >&2; exit 1; }
trap - EXIT
