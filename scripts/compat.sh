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

"$BIN" serve --port 0 --name emergent-default --api-key "$KEY" --parallel 2 --shutdown-grace 2 >"$LOG" 2>&1 &
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
echo "==> SIGTERM with a stream in flight: the stream ends cleanly and the server exits 0"
STREAM="$(mktemp "${TMPDIR:-/tmp}/emergent-stream.XXXXXX")"
curl -sN -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/completions" \
    -d '{"prompt":"Count to a thousand:","max_tokens":100000,"ignore_eos":true,"stream":true}' >"$STREAM" &
CURL=$!
for _ in $(seq 1 100); do grep -q '"text"' "$STREAM" && break; sleep 0.1; done
kill -TERM $PID
STARTED=$SECONDS
wait $PID && echo "    server exited 0 after $((SECONDS - STARTED)) s" \
    || { echo "compat: server exit status $? on SIGTERM" >&2; exit 1; }
wait $CURL || true
tail -c 300 "$STREAM" | grep -q 'data: \[DONE\]' || { echo "compat: the in-flight stream did not end with [DONE]" >&2; tail -c 600 "$STREAM" >&2; exit 1; }
grep -q '"finish_reason":"cancelled"' "$STREAM" || { echo "compat: the in-flight stream has no cancelled finish" >&2; exit 1; }
trap - EXIT

echo "==> emergent serve as a router: a local model plus a remote pool of [dead upstream, llama-server]"
LLAMA_SERVER="$ROOT/.deps/peers/bin/llama-server"
MODEL="${EMERGENT_HOME:-$HOME/.emergent}/models/gemma-3-270m-q4_k_m.gguf"
UPSTREAM_PORT=$((20000 + RANDOM % 20000))
DEAD_PORT=$((UPSTREAM_PORT + 1))
"$LLAMA_SERVER" -m "$MODEL" --host 127.0.0.1 --port $UPSTREAM_PORT -c 2048 -np 2 >"$LOG.llama" 2>&1 &
LLAMA=$!
CONFIG="$(mktemp "${TMPDIR:-/tmp}/emergent-config.XXXXXX.yaml")"
cat >"$CONFIG" <<YAML
server: { host: 127.0.0.1, port: 0 }
models:
  - name: local-gemma
    path: $MODEL
    parallel: 1
    context: 1024
  - name: remote-gemma
    upstreams:
      - { url: "http://127.0.0.1:$DEAD_PORT/v1", model: gemma }
      - { url: "http://127.0.0.1:$UPSTREAM_PORT/v1", model: gemma }
    retries: 0
    cooldown_seconds: 60
YAML
"$BIN" serve --config "$CONFIG" >"$LOG.router" 2>&1 &
ROUTER=$!
trap 'kill $ROUTER $LLAMA 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$UPSTREAM_PORT/health" >/dev/null && break; sleep 0.5; done
RPORT=""
for _ in $(seq 1 120); do
    RPORT="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$LOG.router" | head -1)"
    [ -n "$RPORT" ] && break
    sleep 0.5
done
[ -n "$RPORT" ] || { cat "$LOG.router" >&2; echo "compat: the router did not start" >&2; exit 1; }
"$VENV/bin/python" - "$RPORT" <<'PY'
import sys, openai
client = openai.OpenAI(base_url=f"http://127.0.0.1:{sys.argv[1]}/v1", api_key="unused", max_retries=0)
names = sorted(m.id for m in client.models.list().data)
assert names == ["local-gemma", "remote-gemma"], names
for attempt in range(3):  # the pool picks either upstream first; a dead one fails over before the first token
    reply = client.chat.completions.create(model="remote-gemma", messages=[{"role": "user", "content": "Hi"}],
                                           max_tokens=4, temperature=0)
    assert reply.choices[0].message.content is not None and reply.usage.completion_tokens > 0, reply
chunks = list(client.chat.completions.create(model="remote-gemma", messages=[{"role": "user", "content": "Hi"}],
                                              max_tokens=4, temperature=0, stream=True))
assert any(c.choices and c.choices[0].delta.content for c in chunks), chunks
assert sum(1 for c in chunks if c.choices and c.choices[0].finish_reason) == 1
forwarded = client.completions.create(model="remote-gemma", prompt="The sky is", max_tokens=3, temperature=0)
assert forwarded.choices[0].text, forwarded
local = client.chat.completions.create(model="local-gemma", messages=[{"role": "user", "content": "Hi"}], max_tokens=3)
assert local.model == "local-gemma"
try:
    client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "Hi"}])
    raise SystemExit("unknown model accepted")
except openai.NotFoundError as error:
    assert "local-gemma" in str(error)
print("    remote chat (whole and streamed), forwarded completions, local model and 404 all answered")
PY
kill $ROUTER $LLAMA 2>/dev/null || true
wait $ROUTER 2>/dev/null || true
trap - EXIT
