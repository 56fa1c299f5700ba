"""Times Python jinja2 (configured as transformers does) rendering chat templates, for `emergent bench template`.

Usage: bench_jinja2.py TEMPLATES_DIR CONVERSATION.json ITERATIONS
Prints one JSON object: {template file name: median seconds per render, or null when it raises}.
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "EmergentJinjaTests", "Fixtures"))
from render_reference import make_environment  # noqa: E402


def main():
    templates_dir, conversation_path, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(conversation_path, encoding="utf-8") as f:
        conversation = json.load(f)
    env = make_environment()
    context = {
        "messages": conversation["messages"], "tools": conversation.get("tools"), "documents": None,
        "add_generation_prompt": True, "bos_token": "<s>", "eos_token": "</s>",
    }
    results = {}
    for name in sorted(os.listdir(templates_dir)):
        if not name.endswith(".jinja"):
            continue
        with open(os.path.join(templates_dir, name), encoding="utf-8") as f:
            template = env.from_string(f.read())
        try:
            template.render(**context)
        except Exception:
            results[name] = None
            continue
        samples = []
        for _ in range(iterations):
            start = time.perf_counter()
            template.render(**context)
            samples.append(time.perf_counter() - start)
        results[name] = statistics.median(samples)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
