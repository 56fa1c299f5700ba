#!/usr/bin/env bash
# Runs lm-evaluation-harness (local-completions) against an OpenAI-compatible server with our
# own small tasks (Tests/Compat/lm-eval): a multiple-choice task (loglikelihood requests:
# echo + logprobs over token-id prompts) and an arithmetic generation task (generate_until).
#
#   Tests/Compat/run_lm_eval.sh BASE_URL MODEL [extra lm_eval arguments...]
#
# BASE_URL: http://127.0.0.1:PORT, .../v1 or .../v1/completions (all mean the same server).
# Environment:
#   LM_EVAL_TOKENIZER_BACKEND  remote (default: the server's /tokenizer_info, /tokenize,
#                              /detokenize at the server root) or none (string prompts; only
#                              generation tasks can run then, e.g. against llama.cpp's server)
#   LM_EVAL_TASKS              default: emergent_mc,emergent_arith
#   LM_EVAL_OUTPUT             output folder (default: a new temporary folder)
#   OPENAI_API_KEY             sent as "Authorization: Bearer ..." to /v1/completions and,
#                              as auth_token, to the tokenizer endpoints
#   CLIENTS_VENV               venv with Tests/Compat/requirements.txt (default .deps/clients-venv)
# Exit status: lm_eval's (non-zero when a request fails after max_retries).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
BASE=${1%/}
MODEL=$2
shift 2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${CLIENTS_VENV:-$ROOT/.deps/clients-venv}
LM_EVAL=$VENV/bin/lm_eval
[[ -x $LM_EVAL ]] || LM_EVAL=$(command -v lm_eval || true)
if [[ -z $LM_EVAL ]]; then
    echo "run_lm_eval: lm_eval not found; create the venv first:" >&2
    echo "  python3 -m venv .deps/clients-venv && .deps/clients-venv/bin/pip install -r Tests/Compat/requirements.txt" >&2
    exit 2
fi

case $BASE in
    */v1/completions) URL=$BASE ;;
    */v1) URL=$BASE/completions ;;
    *) URL=$BASE/v1/completions ;;
esac

BACKEND=${LM_EVAL_TOKENIZER_BACKEND:-remote}
TASKS=${LM_EVAL_TASKS:-emergent_mc,emergent_arith}
OUT=${LM_EVAL_OUTPUT:-$(mktemp -d "${TMPDIR:-/tmp}/lm-eval-out.XXXXXX")}
MODEL_ARGS="model=$MODEL,base_url=$URL,tokenizer_backend=$BACKEND,num_concurrent=1,max_retries=1"
if [[ -n ${OPENAI_API_KEY:-} ]]; then
    MODEL_ARGS+=",auth_token=$OPENAI_API_KEY"
fi

# Data and task paths in the YAML files are relative to the repository root; the datasets
# cache is a throw-away folder so that nothing is read from, or left in, ~/.cache.
cd "$ROOT"
CACHE=$(mktemp -d "${TMPDIR:-/tmp}/lm-eval-hf.XXXXXX")
trap 'rm -rf "$CACHE"' EXIT
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 HF_DATASETS_CACHE=$CACHE TOKENIZERS_PARALLELISM=false

echo "+ lm_eval run --model local-completions --model_args ${MODEL_ARGS/auth_token=*/auth_token=***} --tasks $TASKS --include_path Tests/Compat/lm-eval --output_path $OUT --log_samples $*" >&2
"$LM_EVAL" run --model local-completions \
    --model_args "$MODEL_ARGS" \
    --tasks "$TASKS" \
    --include_path Tests/Compat/lm-eval \
    --output_path "$OUT" --log_samples \
    "$@"
