"""Reference renderings of chat templates with Python's jinja2, configured as Hugging Face transformers does.

Usage: render_reference.py TEMPLATES_DIR CONVERSATIONS.json OUTPUT.json
       render_reference.py --snippets SNIPPETS.json OUTPUT.json

For every template and conversation it records either {"ok": rendered_text} or {"error": message}.
The environment mirrors transformers' chat-template compiler: ImmutableSandboxedEnvironment with
trim_blocks, lstrip_blocks, loop controls, a pass-through {% generation %} tag, raise_exception,
strftime_now pinned to 2026-01-02 03:04:05, and tojson as json.dumps(ensure_ascii=False).
"""
import json
import os
import sys
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

PINNED_NOW = datetime(2026, 1, 2, 3, 4, 5)


class GenerationTag(Extension):
    """transformers' AssistantTracker, minus the tracking: renders the body unchanged."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return PINNED_NOW.strftime(fmt)


def make_environment():
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render_snippets(snippets_path, output_path):
    """Small feature cases: each has a template and its own context."""
    with open(snippets_path, encoding="utf-8") as f:
        snippets = json.load(f)
    env = make_environment()
    results = {}
    for name, case in snippets.items():
        try:
            results[name] = {"ok": env.from_string(case["template"]).render(**case["context"])}
        except Exception as error:
            results[name] = {"error": f"{type(error).__name__}: {error}"}
    with open(output_path, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)


def main():
    if sys.argv[1] == "--snippets":
        render_snippets(sys.argv[2], sys.argv[3])
        return
    templates_dir, conversations_path, output_path = sys.argv[1:4]
    with open(conversations_path, encoding="utf-8") as f:
        conversations = json.load(f)
    env = make_environment()
    results = {}
    for name in sorted(os.listdir(templates_dir)):
        if not name.endswith(".jinja"):
            continue
        with open(os.path.join(templates_dir, name), encoding="utf-8") as f:
            source = f.read()
        entry = {}
        try:
            template = env.from_string(source)
        except Exception as error:  # a template that does not parse fails every conversation
            results[name] = {key: {"error": f"parse: {error}"} for key in conversations}
            continue
        for key, conversation in conversations.items():
            context = {
                "messages": conversation["messages"],
                "tools": conversation.get("tools"),
                "documents": None,
                "add_generation_prompt": True,
                "bos_token": "<s>",
                "eos_token": "</s>",
            }
            try:
                entry[key] = {"ok": template.render(**context)}
            except Exception as error:
                entry[key] = {"error": f"{type(error).__name__}: {error}"}
        results[name] = entry
    with open(output_path, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
