// The C API of llama.cpp, as installed by scripts/setup.sh into .deps/llama.
// The relative path keeps `swift build` working without extra header search flags.
#include "../../.deps/llama/include/llama.h"
#include "../../.deps/llama/include/ggml-cpu.h"
