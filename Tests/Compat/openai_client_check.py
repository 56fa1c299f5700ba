#!/usr/bin/env python3
"""OpenAI-API compatibility checks for `emergent serve`, driven by the official `openai` package.

    python Tests/Compat/openai_client_check.py --base-url http://127.0.0.1:PORT/v1 --model NAME \
        [--api-key KEY] [--embedding-model NAME] [--embedding-base-url URL] [--only a,b] [--skip c] [--list]

Every check prints one line (PASS / FAIL / SKIP, its name, the time it took and, unless it passed,
why), then a closing line "N passed, N failed, N skipped". Exit status: 0 when nothing failed,
1 when a check failed, 2 for bad arguments or a server that cannot be reached at all.

Requests are small (max_tokens <= 16; 48 for the tool-call and JSON checks, whose output has a
fixed minimum length) and use temperature 0 plus a fixed seed, so the output is deterministic
and the whole run takes well under a minute even with a tiny model on a CPU.

Checks that need something optional are skipped, not failed: embeddings without
--embedding-model, the wrong-key check without --api-key.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import traceback
import urllib.error
import urllib.request

try:
    import openai
except ModuleNotFoundError:  # pragma: no cover - environment problem, not a check failure
    sys.stderr.write(
        "openai_client_check: the `openai` package is not installed; install "
        "Tests/Compat/requirements.txt into a venv first\n"
    )
    sys.exit(2)

SEED = 1234
SMALL = 8  # max_tokens for ordinary generations
STRUCTURED = 48  # max_tokens for tool calls / JSON, whose shortest valid output is ~15-30 tokens
EPS = 1e-5  # tolerance for float comparisons of logprobs


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def short(obj, n=240):
    """A one-line, length-capped rendering of a response object for failure messages."""
    try:
        if hasattr(obj, "model_dump_json"):
            s = obj.model_dump_json(exclude_none=True)
        else:
            s = json.dumps(obj, default=str)
    except Exception:  # noqa: BLE001 - best effort only
        s = repr(obj)
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[: n - 3] + "..."


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


class _Incomplete(Exception):
    pass


def json_prefix_ok(text):
    """True when `text` is a JSON object or a prefix of one (cut off mid-value is fine), False when
    it can never become valid JSON. Used only for output truncated by max_tokens."""
    i = 0
    n = len(text)

    def ws(j):
        while j < n and text[j] in " \t\r\n":
            j += 1
        if j >= n:
            raise _Incomplete
        return j

    def lit(j, word):
        for k, c in enumerate(word):
            if j + k >= n:
                raise _Incomplete
            if text[j + k] != c:
                raise ValueError(f"bad literal at {j}")
        return j + len(word)

    def string(j):  # text[j] == '"'
        j += 1
        while True:
            if j >= n:
                raise _Incomplete
            c = text[j]
            if c == "\\":
                j += 2
            elif c == '"':
                return j + 1
            elif ord(c) < 0x20:
                raise ValueError(f"control character in string at {j}")
            else:
                j += 1

    def number(j):
        k = j
        while k < n and text[k] in "+-0123456789.eE":
            k += 1
        if k >= n:
            raise _Incomplete
        float(text[j:k])
        return k

    def value(j):
        j = ws(j)
        c = text[j]
        if c == "{":
            j = ws(j + 1)
            if text[j] == "}":
                return j + 1
            while True:
                j = ws(j)
                if text[j] != '"':
                    raise ValueError(f"expected key at {j}")
                j = ws(string(j))
                if text[j] != ":":
                    raise ValueError(f"expected ':' at {j}")
                j = ws(value(j + 1))
                if text[j] == "}":
                    return j + 1
                if text[j] != ",":
                    raise ValueError(f"expected ',' or '}}' at {j}")
                j += 1
        if c == "[":
            j = ws(j + 1)
            if text[j] == "]":
                return j + 1
            while True:
                j = ws(value(j))
                if text[j] == "]":
                    return j + 1
                if text[j] != ",":
                    raise ValueError(f"expected ',' or ']' at {j}")
                j += 1
        if c == '"':
            return string(j)
        if c in "-0123456789":
            return number(j)
        for word in ("true", "false", "null"):
            if c == word[0]:
                return lit(j, word)
        raise ValueError(f"unexpected {c!r} at {j}")

    try:
        if text[ws(0)] != "{":
            return False
        value(0)
        return True  # complete (the caller already failed to json.loads it only if trailing junk)
    except _Incomplete:
        return True
    except ValueError:
        return False


CHECKS = []


def check(name):
    def deco(fn):
        CHECKS.append((name, fn))
        return fn

    return deco


class Ctx:
    def __init__(self, args):
        self.args = args
        self.model = args.model
        self.base_url = args.base_url.rstrip("/")
        # Server root: what lm-eval's remote tokenizer uses (it strips /v1/completions).
        self.root_url = self.base_url[:-3] if self.base_url.endswith("/v1") else self.base_url
        self.api_key = args.api_key or "sk-no-key-required"
        self.client = openai.OpenAI(
            base_url=self.base_url, api_key=self.api_key, max_retries=0, timeout=args.timeout
        )
        self.emb_client = openai.OpenAI(
            base_url=(args.embedding_base_url or self.base_url).rstrip("/"),
            api_key=self.api_key,
            max_retries=0,
            timeout=args.timeout,
        )
        self.results = {}  # values shared between checks (e.g. stream vs non-stream text)

    # ------------------------------------------------------------------ helpers
    def chat(self, messages, **kw):
        kw.setdefault("temperature", 0)
        kw.setdefault("seed", SEED)
        kw.setdefault("max_tokens", SMALL)
        return self.client.chat.completions.create(model=self.model, messages=messages, **kw)

    def complete(self, prompt, **kw):
        kw.setdefault("temperature", 0)
        kw.setdefault("seed", SEED)
        kw.setdefault("max_tokens", SMALL)
        return self.client.completions.create(model=self.model, prompt=prompt, **kw)

    def http_json(self, method, url, body=None, timeout=None):
        """Plain HTTP (no SDK) for the non-OpenAI endpoints. Returns (status, parsed JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("Authorization", f"Bearer {self.api_key}")
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.args.timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def token_ids(self, text):
        """Token ids of `text`: vLLM-style /tokenize (what lm-eval uses), else llama.cpp-style."""
        cache = self.results.setdefault("tokens", {})
        if text in cache:
            return cache[text]
        attempts = [
            {"prompt": text, "add_special_tokens": False},  # vLLM / lm-eval RemoteTokenizer
            {"content": text, "add_special": False},  # llama.cpp server (dev stand-in only)
        ]
        for body in attempts:
            try:
                status, js = self.http_json("POST", self.root_url + "/tokenize", body)
            except OSError:
                continue
            toks = js.get("tokens") if isinstance(js, dict) else None
            if status == 200 and isinstance(toks, list) and toks and all(isinstance(t, int) for t in toks):
                cache[text] = toks
                return toks
        raise Fail(f"cannot get token ids for {text!r}: POST {self.root_url}/tokenize gave no tokens")


def check_usage(usage, max_completion=None, allow_zero_completion=False):
    expect(usage is not None, "usage missing")
    expect(is_num(usage.prompt_tokens) and usage.prompt_tokens > 0, f"usage.prompt_tokens={usage.prompt_tokens}")
    if allow_zero_completion:
        expect(is_num(usage.completion_tokens) and usage.completion_tokens >= 0, f"usage.completion_tokens={usage.completion_tokens}")
    else:
        expect(is_num(usage.completion_tokens) and usage.completion_tokens > 0, f"usage.completion_tokens={usage.completion_tokens}")
    expect(
        usage.total_tokens == usage.prompt_tokens + usage.completion_tokens,
        f"usage.total_tokens={usage.total_tokens} != {usage.prompt_tokens}+{usage.completion_tokens}",
    )
    if max_completion is not None:
        expect(
            usage.completion_tokens <= max_completion,
            f"max_tokens not respected: completion_tokens={usage.completion_tokens} > {max_completion}",
        )


def expect_error(fn, exc_type, status):
    """Run fn, which must fail with `exc_type`/`status` and an OpenAI-style error body."""
    try:
        r = fn()
    except openai.APITimeoutError:
        raise Fail(f"expected {status}, but the request timed out (server accepted it and kept generating?)")
    except openai.APIStatusError as e:
        expect(
            isinstance(e, exc_type) and e.status_code == status,
            f"expected {exc_type.__name__} ({status}), got {type(e).__name__} ({e.status_code}): {e.response.text[:200]}",
        )
        try:
            body = e.response.json()
        except ValueError:
            raise Fail(f"error body is not JSON: {e.response.text[:200]!r}")
        err = body.get("error") if isinstance(body, dict) else None
        expect(isinstance(err, dict), f"error body has no 'error' object: {short(body)}")
        expect(isinstance(err.get("message"), str) and err["message"], f"error.message missing/empty: {short(body)}")
        expect(isinstance(err.get("type"), str) and err["type"], f"error.type missing/empty: {short(body)}")
        return e
    raise Fail(f"expected {exc_type.__name__} ({status}), but the request succeeded: {short(r)}")


# ---------------------------------------------------------------------- checks: models
@check("models_list")
def _(ctx):
    page = ctx.client.models.list()
    ids = [m.id for m in page.data]
    expect(ctx.model in ids, f"{ctx.model!r} not in /models ids {ids}")
    for m in page.data:
        expect(m.object == "model", f"model.object={m.object!r} for {m.id!r}")


@check("models_retrieve")
def _(ctx):
    m = ctx.client.models.retrieve(ctx.model)
    expect(m.id == ctx.model and m.object == "model", f"GET /models/{ctx.model}: {short(m)}")


# ----------------------------------------------------------------------- checks: chat
HELLO = [{"role": "user", "content": "Say hello."}]


@check("chat_basic")
def _(ctx):
    r = ctx.chat(HELLO, max_tokens=SMALL)
    expect(r.object == "chat.completion", f"object={r.object!r}")
    expect(isinstance(r.id, str) and r.id, f"id={r.id!r}")
    expect(len(r.choices) == 1, f"{len(r.choices)} choices")
    ch = r.choices[0]
    expect(ch.index == 0, f"choices[0].index={ch.index}")
    expect(ch.message.role == "assistant", f"message.role={ch.message.role!r}")
    expect(isinstance(ch.message.content, str), f"message.content={ch.message.content!r}")
    expect(ch.finish_reason in ("stop", "length"), f"finish_reason={ch.finish_reason!r}")
    check_usage(r.usage, max_completion=SMALL)
    if ch.finish_reason == "length":
        expect(r.usage.completion_tokens == SMALL, f"finish_reason=length but completion_tokens={r.usage.completion_tokens}")
    ctx.results["chat_basic"] = r


@check("chat_max_completion_tokens")
def _(ctx):
    r = ctx.client.chat.completions.create(
        model=ctx.model, messages=HELLO, max_completion_tokens=3, temperature=0, seed=SEED
    )
    check_usage(r.usage, max_completion=3)
    expect(r.choices[0].finish_reason in ("stop", "length"), f"finish_reason={r.choices[0].finish_reason!r}")


@check("chat_stream")
def _(ctx):
    chunks = list(ctx.chat(HELLO, max_tokens=SMALL, stream=True, stream_options={"include_usage": True}))
    expect(chunks, "no chunks")
    for c in chunks:
        expect(c.object == "chat.completion.chunk", f"chunk.object={c.object!r}")
    ids = {c.id for c in chunks}
    expect(len(ids) == 1, f"chunks carry {len(ids)} different ids")
    last = chunks[-1]
    expect(last.choices == [], f"final (usage) chunk must have empty choices: {short(last)}")
    expect(last.usage is not None, "final chunk has no usage (stream_options.include_usage ignored)")
    check_usage(last.usage, max_completion=SMALL)
    for c in chunks[:-1]:
        expect(c.usage is None, f"usage on a non-final chunk: {short(c)}")
    with_choices = [c for c in chunks if c.choices]
    expect(with_choices, "no chunk has choices")
    first = with_choices[0].choices[0]
    expect(first.delta.role == "assistant", f"first chunk delta.role={first.delta.role!r}")
    for c in with_choices:
        expect(len(c.choices) == 1 and c.choices[0].index == 0, f"bad choices in chunk: {short(c)}")
    finishes = [(i, c.choices[0].finish_reason) for i, c in enumerate(with_choices) if c.choices[0].finish_reason]
    expect(len(finishes) == 1, f"{len(finishes)} chunks carry finish_reason: {finishes}")
    expect(finishes[0][1] in ("stop", "length"), f"finish_reason={finishes[0][1]!r}")
    expect(finishes[0][0] == len(with_choices) - 1, "finish_reason is not on the last chunk with choices")
    pieces = [c.choices[0].delta.content for c in with_choices]
    expect(all(p is None or isinstance(p, str) for p in pieces), "a delta.content is not a string")
    ctx.results["chat_stream"] = ("".join(p or "" for p in pieces), last.usage.completion_tokens)


@check("chat_stream_matches_nonstream")
def _(ctx):
    if "chat_basic" not in ctx.results or "chat_stream" not in ctx.results:
        raise Skip("needs chat_basic and chat_stream to pass")
    r = ctx.results["chat_basic"]
    text, ntok = ctx.results["chat_stream"]
    expect(text == r.choices[0].message.content, f"streamed {text!r} != non-streamed {r.choices[0].message.content!r} (greedy, same seed)")
    expect(ntok == r.usage.completion_tokens, f"streamed completion_tokens {ntok} != {r.usage.completion_tokens}")


@check("chat_content_parts")
def _(ctx):
    msgs = [
        {"role": "system", "content": [{"type": "text", "text": "You are terse."}]},
        {"role": "user", "content": [{"type": "text", "text": "Say"}, {"type": "text", "text": " hello."}]},
    ]
    r = ctx.chat(msgs, max_tokens=SMALL)
    ch = r.choices[0]
    expect(isinstance(ch.message.content, str), f"message.content={ch.message.content!r}")
    expect(ch.finish_reason in ("stop", "length"), f"finish_reason={ch.finish_reason!r}")
    check_usage(r.usage, max_completion=SMALL)


@check("chat_logprobs")
def _(ctx):
    r = ctx.chat(HELLO, max_tokens=4, logprobs=True, top_logprobs=2)
    lp = r.choices[0].logprobs
    expect(lp is not None and lp.content, f"choices[0].logprobs.content missing: {short(r)}")
    expect(len(lp.content) <= r.usage.completion_tokens, f"{len(lp.content)} logprob entries > {r.usage.completion_tokens} completion tokens")
    for i, e in enumerate(lp.content):
        expect(isinstance(e.token, str), f"content[{i}].token={e.token!r}")
        expect(is_num(e.logprob) and e.logprob <= EPS, f"content[{i}].logprob={e.logprob!r}")
        expect(e.top_logprobs is not None and len(e.top_logprobs) == 2, f"content[{i}] has {len(e.top_logprobs or [])} top_logprobs, want 2")
        tops = [t.logprob for t in e.top_logprobs]
        for t in e.top_logprobs:
            expect(isinstance(t.token, str) and is_num(t.logprob) and t.logprob <= EPS, f"content[{i}].top_logprobs bad entry {short(t)}")
        expect(tops[0] >= tops[1] - EPS, f"content[{i}].top_logprobs not sorted: {tops}")
        # temperature 0: the chosen token is the most likely one.
        expect(abs(e.logprob - tops[0]) <= 1e-3, f"content[{i}]: greedy token logprob {e.logprob} != top-1 {tops[0]}")


# ------------------------------------------------------------------ checks: tool calls
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "enum": ["Paris", "London", "Tokyo"]}},
            "required": ["city"],
        },
    },
}
WEATHER_Q = [{"role": "user", "content": "What is the weather in Paris right now?"}]
FORCE_WEATHER = {"type": "function", "function": {"name": "get_weather"}}


def check_tool_call(tc):
    expect(tc.type == "function", f"tool_call.type={tc.type!r}")
    expect(isinstance(tc.id, str) and tc.id, f"tool_call.id={tc.id!r}")
    expect(tc.function.name == "get_weather", f"function.name={tc.function.name!r}")
    try:
        args = json.loads(tc.function.arguments)
    except (TypeError, ValueError):
        raise Fail(f"function.arguments is not JSON: {tc.function.arguments!r}")
    expect(isinstance(args, dict), f"arguments is not an object: {args!r}")
    expect(isinstance(args.get("city"), str), f"required 'city' (string) missing from arguments {args!r}")
    return args


@check("tool_call_forced")
def _(ctx):
    r = ctx.chat(WEATHER_Q, tools=[WEATHER_TOOL], tool_choice=FORCE_WEATHER, max_tokens=STRUCTURED)
    ch = r.choices[0]
    expect(ch.finish_reason in ("tool_calls", "stop"), f"finish_reason={ch.finish_reason!r}: {short(r)}")
    expect(ch.message.tool_calls, f"no tool_calls in message: {short(r)}")
    check_tool_call(ch.message.tool_calls[0])
    ctx.results["tool_call"] = ch.message.tool_calls[0]


@check("tool_call_round_trip")
def _(ctx):
    tc = ctx.results.get("tool_call")
    if tc is None:
        raise Skip("needs tool_call_forced to pass")

    def ask(tool_result):
        msgs = WEATHER_Q + [
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": tc.id, "type": "function", "function": {"name": tc.function.name, "arguments": tc.function.arguments}}
                ],
            },
            {"role": "tool", "tool_call_id": tc.id, "content": tool_result},
        ]
        return ctx.chat(msgs, max_tokens=SMALL)

    r = ask(json.dumps({"temperature_c": 21, "sky": "sunny"}))
    ch = r.choices[0]
    expect(ch.finish_reason in ("stop", "length"), f"finish_reason={ch.finish_reason!r}: {short(r)}")
    expect(isinstance(ch.message.content, str), f"message.content={ch.message.content!r}")
    expect(not ch.message.tool_calls, f"unexpected tool_calls without tools: {short(r)}")
    check_usage(r.usage, max_completion=SMALL)
    # The tool result must reach the prompt: a longer result means more prompt tokens.
    r2 = ask(json.dumps({"temperature_c": 21, "sky": "sunny", "wind": "light breeze from the north-west", "humidity_percent": 40}))
    expect(
        r2.usage.prompt_tokens > r.usage.prompt_tokens,
        f"tool message content seems ignored: prompt_tokens {r2.usage.prompt_tokens} (long result) <= {r.usage.prompt_tokens} (short)",
    )


@check("tool_call_stream")
def _(ctx):
    chunks = list(ctx.chat(WEATHER_Q, tools=[WEATHER_TOOL], tool_choice=FORCE_WEATHER, max_tokens=STRUCTURED, stream=True))
    with_choices = [c for c in chunks if c.choices]
    deltas = [d for c in with_choices for d in (c.choices[0].delta.tool_calls or [])]
    expect(deltas, f"no delta.tool_calls in {len(chunks)} chunks")
    by_index = {}
    for d in deltas:
        expect(isinstance(d.index, int), f"tool_call delta without integer index: {short(d)}")
        by_index.setdefault(d.index, []).append(d)
    expect(0 in by_index, f"tool_call indexes {sorted(by_index)} do not start at 0")
    for idx, ds in by_index.items():
        first = ds[0]
        expect(isinstance(first.id, str) and first.id, f"first delta of tool_call {idx} has no id: {short(first)}")
        expect(first.function is not None and first.function.name == "get_weather", f"first delta of tool_call {idx} lacks function.name: {short(first)}")
        for d in ds[1:]:
            expect(d.id in (None, "", first.id), f"tool_call {idx}: id changed mid-stream")
            expect(d.function is None or d.function.name in (None, "", "get_weather"), f"tool_call {idx}: name changed mid-stream")
        args = "".join((d.function.arguments or "") for d in ds if d.function is not None)
        try:
            parsed = json.loads(args)
        except ValueError:
            raise Fail(f"streamed arguments of tool_call {idx} do not concatenate to JSON: {args!r}")
        expect(isinstance(parsed, dict) and isinstance(parsed.get("city"), str), f"streamed arguments {parsed!r} lack 'city'")
    finishes = [c.choices[0].finish_reason for c in with_choices if c.choices[0].finish_reason]
    expect(len(finishes) == 1 and finishes[0] in ("tool_calls", "stop"), f"finish_reasons={finishes}")


@check("tool_choice_required")
def _(ctx):
    r = ctx.chat(WEATHER_Q, tools=[WEATHER_TOOL], tool_choice="required", max_tokens=STRUCTURED)
    ch = r.choices[0]
    expect(ch.message.tool_calls, f"tool_choice=required but no tool_calls: {short(r)}")
    # A tiny model may keep adding calls until max_tokens: the completed ones still count, with "length".
    expect(ch.finish_reason in ("tool_calls", "stop", "length"), f"finish_reason={ch.finish_reason!r}")
    check_tool_call(ch.message.tool_calls[0])


@check("tool_choice_none")
def _(ctx):
    r = ctx.chat(WEATHER_Q, tools=[WEATHER_TOOL], tool_choice="none", max_tokens=SMALL)
    ch = r.choices[0]
    expect(not ch.message.tool_calls, f"tool_choice=none but got tool_calls: {short(r)}")
    expect(isinstance(ch.message.content, str), f"message.content={ch.message.content!r}")
    expect(ch.finish_reason in ("stop", "length"), f"finish_reason={ch.finish_reason!r}")


# --------------------------------------------------------------- checks: structured output
CITY_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "enum": ["Paris", "London", "Tokyo"]},
        "is_capital": {"type": "boolean"},
    },
    "required": ["city", "is_capital"],
    "additionalProperties": False,
}


@check("response_format_json_schema")
def _(ctx):
    msgs = [{"role": "user", "content": 'Answer in JSON like {"city": "Paris", "is_capital": true}. Is Paris a capital?'}]
    r = ctx.chat(
        msgs,
        max_tokens=STRUCTURED,
        response_format={"type": "json_schema", "json_schema": {"name": "city_info", "strict": True, "schema": CITY_SCHEMA}},
    )
    ch = r.choices[0]
    try:
        obj = json.loads(ch.message.content)
    except (TypeError, ValueError):
        raise Fail(f"content is not JSON (finish_reason={ch.finish_reason}): {ch.message.content!r}")
    expect(isinstance(obj, dict), f"not an object: {obj!r}")
    expect(set(obj) == {"city", "is_capital"}, f"keys {sorted(obj)} != ['city', 'is_capital'] (strict, additionalProperties=false)")
    expect(obj["city"] in ("Paris", "London", "Tokyo"), f"city={obj['city']!r} not in the enum")
    expect(isinstance(obj["is_capital"], bool), f"is_capital={obj['is_capital']!r} is not a boolean")
    expect(ch.finish_reason == "stop", f"finish_reason={ch.finish_reason!r}")


@check("response_format_json_object")
def _(ctx):
    msgs = [{"role": "user", "content": 'Reply with exactly this JSON object and nothing else: {"ok": true}'}]
    r = ctx.chat(msgs, max_tokens=STRUCTURED, response_format={"type": "json_object"})
    ch = r.choices[0]
    content = ch.message.content
    expect(isinstance(content, str), f"message.content={content!r}")
    try:
        obj = json.loads(content)
    except ValueError:
        # json_object constrains the syntax, not the length: a tiny model may ramble until
        # max_tokens. Accept a cut-off output only if it is a valid prefix of a JSON object.
        if ch.finish_reason == "length" and json_prefix_ok(content):
            return f"(note: cut off at max_tokens={STRUCTURED}; output is a valid JSON-object prefix)"
        raise Fail(f"content is not JSON (finish_reason={ch.finish_reason}): {content!r}")
    expect(isinstance(obj, dict), f"not a JSON object: {obj!r}")


# ---------------------------------------------------------------- checks: completions
PROMPT = "The capital of France is"


@check("completions_basic")
def _(ctx):
    r = ctx.complete(PROMPT, max_tokens=5)
    expect(r.object == "text_completion", f"object={r.object!r}")
    expect(len(r.choices) == 1 and r.choices[0].index == 0, f"choices: {short(r)}")
    ch = r.choices[0]
    expect(isinstance(ch.text, str), f"text={ch.text!r}")
    expect(ch.finish_reason in ("stop", "length"), f"finish_reason={ch.finish_reason!r}")
    expect(ch.logprobs is None, f"logprobs present without being asked for: {short(ch.logprobs)}")
    check_usage(r.usage, max_completion=5)
    if ch.finish_reason == "length":
        expect(r.usage.completion_tokens == 5, f"finish_reason=length but completion_tokens={r.usage.completion_tokens}")


@check("completions_stop")
def _(ctx):
    prompt = "1, 2, 3, 4, 5,"
    full = ctx.complete(prompt, max_tokens=SMALL).choices[0].text
    k = len(full) // 2
    stop = full[k : k + 2]
    if len(full) < 4 or not stop.strip():
        raise Skip(f"greedy continuation {full!r} too short to pick a stop string from")
    r = ctx.complete(prompt, max_tokens=SMALL, stop=[stop, "\n\n\n", "<never-appears>"])
    ch = r.choices[0]
    want = full[: full.find(stop)]
    expect(ch.text == want, f"stop={stop!r}: text {ch.text!r}, want {want!r} (full greedy text {full!r})")
    expect(ch.finish_reason == "stop", f"finish_reason={ch.finish_reason!r}, want 'stop'")


@check("completions_echo_logprobs")
def _(ctx):
    r = ctx.complete(PROMPT, max_tokens=0, echo=True, logprobs=1)
    ch = r.choices[0]
    expect(ch.text.startswith(PROMPT), f"echo: text {ch.text!r} does not start with the prompt")
    lp = ch.logprobs
    expect(lp is not None, "no logprobs")
    toks, tlp, top, off = lp.tokens, lp.token_logprobs, lp.top_logprobs, lp.text_offset
    expect(all(x is not None for x in (toks, tlp, top, off)), f"logprobs lacks tokens/token_logprobs/top_logprobs/text_offset: {short(lp)}")
    n = len(toks)
    expect(n >= 2 and len(tlp) == n and len(top) == n and len(off) == n, f"lengths tokens={n} token_logprobs={len(tlp)} top_logprobs={len(top)} text_offset={len(off)}")
    expect(r.usage is not None and r.usage.completion_tokens == 0, f"max_tokens=0 but usage={short(r.usage)}")
    expect(n == r.usage.prompt_tokens, f"{n} echoed tokens != usage.prompt_tokens {r.usage.prompt_tokens}")
    expect("".join(toks).endswith(PROMPT), f"tokens do not spell the prompt: {toks!r}")
    expect(tlp[0] is None, f"token_logprobs[0]={tlp[0]!r}, want None (first token has no context)")
    expect(top[0] is None or top[0] == {}, f"top_logprobs[0]={top[0]!r}, want None")
    for i in range(1, n):
        expect(is_num(tlp[i]) and tlp[i] <= EPS, f"token_logprobs[{i}]={tlp[i]!r}")
        expect(isinstance(top[i], dict) and 1 <= len(top[i]) <= 2, f"top_logprobs[{i}]={top[i]!r}, want 1-2 entries for logprobs=1")
        expect(all(is_num(v) and v <= EPS for v in top[i].values()), f"top_logprobs[{i}] values {top[i]!r}")
        # lm-eval's is_greedy compares token_logprobs[i] with max(top_logprobs[i].values())
        expect(tlp[i] <= max(top[i].values()) + EPS, f"token_logprobs[{i}]={tlp[i]} > top-1 {max(top[i].values())}")
    expect(off[0] == 0, f"text_offset[0]={off[0]}")
    expect(all(off[i] <= off[i + 1] for i in range(n - 1)), f"text_offset not increasing: {off}")
    expect(off[-1] < len(ch.text), f"text_offset[-1]={off[-1]} beyond text of length {len(ch.text)}")


@check("completions_token_ids")
def _(ctx):
    ids = ctx.token_ids(PROMPT)
    r = ctx.complete(ids, max_tokens=4)
    ch = r.choices[0]
    expect(isinstance(ch.text, str), f"text={ch.text!r}")
    expect(ch.finish_reason in ("stop", "length"), f"finish_reason={ch.finish_reason!r}")
    check_usage(r.usage, max_completion=4)
    expect(r.usage.prompt_tokens == len(ids), f"prompt of {len(ids)} token ids counted as {r.usage.prompt_tokens} (BOS added?)")


@check("completions_batch_prompts")
def _(ctx):
    for prompt in (["One, two,", "Red, green,"], [ctx.token_ids("One, two,"), ctx.token_ids("Red, green,")]):
        r = ctx.complete(prompt, max_tokens=2)
        expect(len(r.choices) == 2, f"{len(r.choices)} choices for 2 prompts ({type(prompt[0]).__name__} prompts)")
        expect(sorted(c.index for c in r.choices) == [0, 1], f"choice indexes {[c.index for c in r.choices]}")


@check("completions_lm_eval_loglikelihood")
def _(ctx):
    # Exactly what lm-eval's local-completions sends for a loglikelihood request (batch_size=1,
    # tokenized_requests=True): a *list of token-id lists*, echo, logprobs=1, max_tokens=1.
    ctx_ids = ctx.token_ids("Question: What is the capital of France?\nAnswer:")
    cont_ids = ctx.token_ids(" Paris")
    ids = ctx_ids + cont_ids
    r = ctx.client.completions.create(
        model=ctx.model, prompt=[ids], temperature=0, max_tokens=1, logprobs=1, seed=SEED, echo=True
    )
    expect(len(r.choices) == 1 and r.choices[0].index == 0, f"choices: {short(r)}")
    lp = r.choices[0].logprobs
    expect(lp is not None and lp.token_logprobs is not None and lp.top_logprobs is not None, f"no logprobs: {short(r)}")
    tlp, top = lp.token_logprobs, lp.top_logprobs
    expect(len(tlp) == len(ids) + 1, f"{len(tlp)} token_logprobs for {len(ids)} prompt ids + 1 generated (echo must cover exactly the prompt ids, no BOS added)")
    expect(len(top) == len(tlp), f"top_logprobs has {len(top)} entries, token_logprobs {len(tlp)}")
    ctxlen = len(ctx_ids)
    span = tlp[ctxlen:-1]
    expect(len(span) == len(cont_ids) and all(is_num(x) and x <= EPS for x in span), f"continuation logprobs {span!r}")
    for t in top[ctxlen:-1]:
        expect(isinstance(t, dict) and t, f"top_logprobs entry {t!r} (lm-eval calls max(top.values()))")
    expect(is_num(tlp[-1]) and tlp[-1] <= EPS, f"generated token logprob {tlp[-1]!r}")
    if lp.tokens is not None:
        expect(len(lp.tokens) == len(tlp), f"tokens has {len(lp.tokens)} entries, token_logprobs {len(tlp)}")


# ------------------------------------------------------- checks: lm-eval remote tokenizer
@check("tokenizer_endpoints")
def _(ctx):
    # lm-eval's RemoteTokenizer (tokenizer_backend=remote) talks to the server root, not /v1.
    status, info = ctx.http_json("GET", ctx.root_url + "/tokenizer_info")
    expect(status == 200 and isinstance(info, dict), f"GET /tokenizer_info -> {status} {short(info)}")
    expect(isinstance(info.get("eos_token"), str) and info["eos_token"], f"tokenizer_info.eos_token missing: {short(info)}")
    status, js = ctx.http_json("POST", ctx.root_url + "/tokenize", {"prompt": "hello world", "add_special_tokens": False})
    toks = js.get("tokens") if isinstance(js, dict) else None
    expect(status == 200 and isinstance(toks, list) and toks and all(isinstance(t, int) for t in toks), f"POST /tokenize -> {status} {short(js)}")
    status, js = ctx.http_json("POST", ctx.root_url + "/detokenize", {"tokens": toks})
    expect(status == 200 and isinstance(js, dict) and js.get("prompt") == "hello world", f"POST /detokenize -> {status} {short(js)}, want prompt 'hello world'")
    # lm-eval gets the eos/bos ids as encode(token_text)[0]: special-token text must map to that one id.
    for key in ("eos_token", "bos_token"):
        text = info.get(key)
        if not text:
            continue
        status, js = ctx.http_json("POST", ctx.root_url + "/tokenize", {"prompt": text, "add_special_tokens": False})
        toks = js.get("tokens") if isinstance(js, dict) else None
        expect(status == 200 and isinstance(toks, list) and len(toks) == 1, f"/tokenize of {key} {text!r} -> {short(js)}, want exactly one token")


# ---------------------------------------------------------------- checks: embeddings
EMB_INPUT = ["The quick brown fox jumps over the lazy dog.", "hello world"]


def check_embeddings(r, fmt):
    expect(len(r.data) == 2, f"{len(r.data)} embeddings for 2 inputs ({fmt})")
    expect([d.index for d in r.data] == [0, 1], f"indexes {[d.index for d in r.data]} ({fmt})")
    vecs = [d.embedding for d in r.data]
    for i, v in enumerate(vecs):
        expect(isinstance(v, list) and len(v) > 0, f"embedding {i} is not a non-empty list ({fmt})")
        expect(all(is_num(x) for x in v), f"embedding {i} has non-finite/non-number values ({fmt})")
    expect(len(vecs[0]) == len(vecs[1]), f"dims differ: {len(vecs[0])} vs {len(vecs[1])} ({fmt})")
    expect(vecs[0] != vecs[1], f"different inputs gave identical vectors ({fmt})")
    expect(r.usage is not None and r.usage.prompt_tokens > 0, f"usage={short(r.usage)} ({fmt})")
    return vecs


@check("embeddings")
def _(ctx):
    if not ctx.args.embedding_model:
        raise Skip("no --embedding-model given")
    m = ctx.args.embedding_model
    # The SDK asks for encoding_format=base64 unless told otherwise, and decodes it itself.
    v64 = check_embeddings(ctx.emb_client.embeddings.create(model=m, input=EMB_INPUT), "default/base64")
    vf = check_embeddings(ctx.emb_client.embeddings.create(model=m, input=EMB_INPUT, encoding_format="float"), "float")
    expect(len(v64[0]) == len(vf[0]), f"base64 dim {len(v64[0])} != float dim {len(vf[0])}")
    diff = max(abs(a - b) for a, b in zip(v64[0], vf[0]))
    expect(diff < 1e-4, f"base64 and float embeddings differ by {diff}")


# -------------------------------------------------------------------- checks: errors
@check("error_unknown_model")
def _(ctx):
    expect_error(
        lambda: ctx.client.chat.completions.create(model="no-such-model-xyz", messages=HELLO, max_tokens=1),
        openai.NotFoundError,
        404,
    )


@check("error_negative_max_tokens")
def _(ctx):
    # Streamed first: a server that accepts -1 (llama.cpp reads it as "no limit") would otherwise
    # generate until its context is full; closing the stream stops it at once.
    def streamed():
        stream = ctx.chat(HELLO, max_tokens=-1, stream=True, timeout=10)
        stream.close()
        return "HTTP 200 event stream"

    expect_error(streamed, openai.BadRequestError, 400)
    expect_error(lambda: ctx.chat(HELLO, max_tokens=-1, timeout=10), openai.BadRequestError, 400)


@check("error_temperature_out_of_range")
def _(ctx):
    expect_error(lambda: ctx.chat(HELLO, max_tokens=1, temperature=5), openai.BadRequestError, 400)


@check("error_missing_messages")
def _(ctx):
    expect_error(
        lambda: ctx.client.post("/chat/completions", body={"model": ctx.model, "max_tokens": 1}, cast_to=object),
        openai.BadRequestError,
        400,
    )


@check("error_malformed_json")
def _(ctx):
    expect_error(
        lambda: ctx.client.post(
            "/chat/completions",
            content=b'{"model": "x", "messages": [',
            options={"headers": {"Content-Type": "application/json"}},
            cast_to=object,
        ),
        openai.BadRequestError,
        400,
    )


@check("error_wrong_api_key")
def _(ctx):
    if not ctx.args.api_key:
        raise Skip("no --api-key given")
    bad = openai.OpenAI(base_url=ctx.base_url, api_key="wrong-" + ctx.args.api_key, max_retries=0, timeout=ctx.args.timeout)
    expect_error(lambda: bad.chat.completions.create(model=ctx.model, messages=HELLO, max_tokens=1), openai.AuthenticationError, 401)
    expect_error(lambda: bad.models.list(), openai.AuthenticationError, 401)


# ---------------------------------------------------------------------------- runner
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base-url", help="OpenAI base URL, e.g. http://127.0.0.1:8080/v1")
    ap.add_argument("--model", help="model id the server lists in /v1/models")
    ap.add_argument("--api-key", help="server API key; also enables the wrong-key (401) check")
    ap.add_argument("--embedding-model", help="model id for /v1/embeddings (embeddings check skipped without it)")
    ap.add_argument("--embedding-base-url", help="base URL for embeddings, if another server (default: --base-url)")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-request timeout in seconds (default 60)")
    ap.add_argument("--only", default="", help="comma-separated check names to run")
    ap.add_argument("--skip", default="", help="comma-separated check names to skip")
    ap.add_argument("--list", action="store_true", help="list the checks and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print a traceback for unexpected errors")
    args = ap.parse_args(argv)

    names = [n for n, _ in CHECKS]
    if args.list:
        print("\n".join(names))
        return 0
    if not args.base_url or not args.model:
        ap.error("--base-url and --model are required")
    only = {s for s in args.only.split(",") if s}
    skip = {s for s in args.skip.split(",") if s}
    unknown = (only | skip) - set(names)
    if unknown:
        ap.error(f"unknown check(s): {', '.join(sorted(unknown))}")

    ctx = Ctx(args)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    width = max(len(n) for n in names)
    started = time.monotonic()
    for name, fn in CHECKS:
        if (only and name not in only) or name in skip:
            continue
        t0 = time.monotonic()
        status, reason = "PASS", ""
        try:
            note = fn(ctx)
            if isinstance(note, str):
                reason = note
        except Skip as e:
            status, reason = "SKIP", str(e)
        except Fail as e:
            status, reason = "FAIL", str(e)
        except openai.APITimeoutError as e:
            status, reason = "FAIL", f"request timed out after {args.timeout}s: {e}"
        except openai.APIConnectionError as e:
            counts["FAIL"] += 1
            print(f"FAIL {name:<{width}} ({time.monotonic() - t0:5.2f}s) cannot reach the server: {e}", flush=True)
            print(f"openai_client_check: aborting, the server at {args.base_url} is not answering"
                  f" (down, or crashed by the request above)", flush=True)
            print(f"openai_client_check: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
            return 2
        except openai.APIStatusError as e:
            status, reason = "FAIL", f"HTTP {e.status_code} {type(e).__name__}: {e.response.text[:300]}"
        except Exception as e:  # noqa: BLE001 - any other error is a failed check, reported in one line
            status, reason = "FAIL", f"{type(e).__name__}: {e}"
            if args.verbose:
                traceback.print_exc()
        counts[status] += 1
        line = f"{status} {name:<{width}} ({time.monotonic() - t0:5.2f}s)"
        print(line + (f" {reason}" if reason else ""), flush=True)
    print(f"# {sum(counts.values())} checks in {time.monotonic() - started:.1f}s against {args.base_url}")
    print(f"openai_client_check: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
