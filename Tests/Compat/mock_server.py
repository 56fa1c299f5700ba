#!/usr/bin/env python3
"""A model-free mock of the OpenAI-compatible endpoints used by the compat checks and lm-eval.

    python Tests/Compat/mock_server.py [--port 8099] [--model mock-model] [--api-key KEY] [--log FILE]

It exists to test the *checkers* (openai_client_check.py, the lm-eval task files and
run_lm_eval.sh) without a model: every check in openai_client_check.py passes against it, and
lm-eval's local-completions with tokenizer_backend=remote runs end to end against it. It is
also an executable description of the request/response shapes those clients rely on. Its
"model" is a deterministic script (it answers "Q: a+b=\\nA:" prompts correctly, everything
else is filler), so scores against it say nothing about a real server.

Standard library only. With --log, every request is appended to FILE as one JSON line.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import struct
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# ----------------------------------------------------------------------------- tokenizer
SPECIALS = ["<pad>", "<eos>", "<bos>"]
PAD, EOS, BOS = 0, 1, 2
_PIECE = re.compile(r"<pad>|<eos>|<bos>|\s*[A-Za-z]+|\s*\d|\s*[^\sA-Za-z\d]|\s+")
_vocab: dict[str, int] = {s: i for i, s in enumerate(SPECIALS)}
_pieces: list[str] = list(SPECIALS)
_lock = threading.Lock()


def _id(piece):
    with _lock:
        if piece not in _vocab:
            _vocab[piece] = len(_pieces)
            _pieces.append(piece)
        return _vocab[piece]


def encode(text, add_special_tokens=False):
    ids = [_id(p) for p in _PIECE.findall(text)]
    return [BOS] + ids if add_special_tokens else ids


def piece(i):
    with _lock:
        if not 0 <= i < len(_pieces):
            raise ValueError(f"unknown token id {i}")
        return _pieces[i]


def decode(ids):
    return "".join(piece(i) for i in ids)


# --------------------------------------------------------------------------------- "model"
FILLER = " the quick brown fox jumps over the lazy dog and runs far away".split(" ")[1:]
ARITH = re.compile(r"Q:\s*(-?\d+)\s*([-+*])\s*(-?\d+)\s*=\s*\nA:\s*$")
GREEDY_LP, ALT = -0.25, " maybe"


def continuation(prompt_text):
    """The greedy continuation of a prompt, as a list of pieces (EOS marks the end)."""
    m = ARITH.search(prompt_text)
    if m:
        a, op, b = int(m.group(1)), m.group(2), int(m.group(3))
        val = a + b if op == "+" else a - b if op == "-" else a * b
        return _PIECE.findall(f" {val}\n\nQ:") + ["<eos>"]
    return [" " + w for w in FILLER] * 8


def prompt_logprob(ctx_ids, tok):
    """log p(tok | ctx) for echoed prompt tokens: arbitrary but deterministic, and consistent
    with the top-1 entry reported for the same position."""
    h = zlib.crc32(json.dumps([ctx_ids[-4:], tok]).encode())
    return GREEDY_LP if h % 5 == 0 else -1.0 - (h % 900) / 100.0


def top_for(ctx_ids, tok, n):
    lp = prompt_logprob(ctx_ids, tok)
    top = {piece(tok): lp} if lp == GREEDY_LP else {ALT: GREEDY_LP}
    if piece(tok) not in top and n >= 1:
        top[piece(tok)] = lp  # like vLLM/OpenAI: the chosen token is always listed
    return dict(list(top.items())[: max(n, 1) + 1])


def generate(prompt_text, max_tokens, stop):
    """Greedy generation. Returns (pieces, text, finish_reason)."""
    out, text = [], ""
    for p in continuation(prompt_text):
        if len(out) >= max_tokens:
            return out, text, "length"
        if p == "<eos>":
            return out, text, "stop"
        out.append(p)
        text += p
        hits = [text.find(s) for s in stop if s and s in text]
        if hits:
            return out, text[: min(hits)], "stop"
    return out, text, "length"


def embed(text, dim=8):
    v = [((zlib.crc32(f"{i}:{text}".encode()) % 2001) - 1000) / 1000.0 for i in range(dim)]
    norm = sum(x * x for x in v) ** 0.5 or 1.0
    return [x / norm for x in v]


# ------------------------------------------------------------------------------ helpers
class ApiError(Exception):
    def __init__(self, status, message, type_="invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status, self.body = status, {"error": {"message": message, "type": type_, "param": param, "code": code}}


def bad(message, param=None):
    return ApiError(400, message, param=param)


def render_chat(messages, tools):
    if not isinstance(messages, list) or not messages:
        raise bad("'messages' must be a non-empty array", "messages")
    lines = []
    if tools:
        lines.append("tools: " + json.dumps(tools))
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ("system", "developer", "user", "assistant", "tool"):
            raise bad("each message needs a valid 'role'", "messages")
        c = m.get("content")
        if isinstance(c, list):
            c = "".join(p.get("text", "") for p in c if isinstance(p, dict) and p.get("type") == "text")
        lines.append(f"{m['role']}: {c or ''}")
        for tc in m.get("tool_calls") or []:
            lines.append(f"call {tc['function']['name']}({tc['function']['arguments']})")
    return "\n".join(lines) + "\nassistant:"


def example_for(schema):
    t = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if t == "object":
        return {k: example_for(v) for k, v in (schema.get("properties") or {}).items()}
    if t == "array":
        return []
    return {"string": "Paris", "boolean": True, "integer": 1, "number": 1.5, "null": None}.get(t, "Paris")


def check_sampling(body, min_tokens):
    for key in ("max_tokens", "max_completion_tokens"):
        v = body.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < min_tokens):
            raise bad(f"'{key}' must be an integer >= {min_tokens}", key)
    t = body.get("temperature")
    if t is not None and (not isinstance(t, (int, float)) or not 0 <= t <= 2):
        raise bad("'temperature' must be between 0 and 2", "temperature")
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    return stop or []


def usage(p, c):
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


# ------------------------------------------------------------------------------- server
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    cfg = None  # set in main()

    def log_message(self, fmt, *args):  # quiet
        pass

    # -- plumbing
    def _send(self, status, obj):
        raw = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _sse(self, events):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for ev in events:
                self.wfile.write(b"data: " + json.dumps(ev).encode() + b"\n\n")
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _handle(self, method):
        path = self.path.split("?")[0].rstrip("/")
        body = None
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else b""
        try:
            if method == "POST":
                try:
                    body = json.loads(raw or b"null")
                except ValueError as e:
                    raise bad(f"request body is not valid JSON: {e}")
                if not isinstance(body, dict):
                    raise bad("request body must be a JSON object")
            if self.cfg.log:
                with _lock, open(self.cfg.log, "a") as f:
                    f.write(json.dumps({"method": method, "path": self.path, "body": body}) + "\n")
            if self.cfg.api_key and self.headers.get("Authorization") != f"Bearer {self.cfg.api_key}":
                raise ApiError(401, "invalid API key", "authentication_error", code="invalid_api_key")
            route = {
                ("GET", "/v1/models"): self.models,
                ("POST", "/v1/chat/completions"): self.chat,
                ("POST", "/v1/completions"): self.completions,
                ("POST", "/v1/embeddings"): self.embeddings,
                ("GET", "/tokenizer_info"): self.tokenizer_info,
                ("POST", "/tokenize"): self.tokenize,
                ("POST", "/detokenize"): self.detokenize,
                ("GET", "/health"): lambda b: {"status": "ok"},
            }.get((method, path))
            if route is None and method == "GET" and path.startswith("/v1/models/"):
                route = lambda b: self.model_obj(self.check_model(path[len("/v1/models/"):]))  # noqa: E731
            if route is None:
                raise ApiError(404, f"no route {method} {path}", "not_found_error")
            result = route(body)
            if result is not None:
                self._send(200, result)
        except ApiError as e:
            self._send(e.status, e.body)
        except Exception as e:  # noqa: BLE001 - a mock bug should still answer, as a 500
            self._send(500, {"error": {"message": f"mock server error: {e!r}", "type": "server_error"}})

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    # -- endpoints
    def check_model(self, name):
        if name not in (self.cfg.model, self.cfg.embedding_model):
            raise ApiError(404, f"The model `{name}` does not exist.", "not_found_error", "model", "model_not_found")
        return name

    def model_obj(self, name):
        return {"id": name, "object": "model", "created": 0, "owned_by": "mock"}

    def models(self, _):
        names = dict.fromkeys([self.cfg.model, self.cfg.embedding_model])
        return {"object": "list", "data": [self.model_obj(n) for n in names]}

    def chat(self, b):
        model = self.check_model(b.get("model"))
        tools = b.get("tools") or []
        prompt_ids = encode(render_chat(b.get("messages"), tools))
        check_sampling(b, 1)
        max_tokens = b.get("max_completion_tokens") or b.get("max_tokens") or 64
        choice = b.get("tool_choice", "auto" if tools else "none")
        rf = b.get("response_format") or {}
        tool_call = None
        if tools and choice != "none" and (choice != "auto" or b["messages"][-1].get("role") == "user"):
            fn = tools[0]["function"]
            if isinstance(choice, dict):
                fn = next((t["function"] for t in tools if t["function"]["name"] == choice["function"]["name"]), None)
                if fn is None:
                    raise bad("tool_choice names an unknown function", "tool_choice")
            args = json.dumps({k: example_for(v) for k, v in fn["parameters"].get("properties", {}).items()
                               if k in fn["parameters"].get("required", [])})
            tool_call = {"id": "call_" + uuid.uuid4().hex[:12], "type": "function",
                         "function": {"name": fn["name"], "arguments": args}}
            pieces, finish = _PIECE.findall(args), "tool_calls"
            content = None
        else:
            if rf.get("type") == "json_schema":
                text = json.dumps(example_for(rf["json_schema"]["schema"]))
            elif rf.get("type") == "json_object":
                text = json.dumps({"ok": True})
            else:
                text = "Hello! How can I help you today?"
            pieces = _PIECE.findall(text)
            finish = "stop"
            if len(pieces) > max_tokens:
                pieces, finish = pieces[:max_tokens], "length"
            content = "".join(pieces)
        n_prompt, n_out = len(prompt_ids), len(pieces)
        logprobs = None
        if b.get("logprobs") and content is not None:
            k = int(b.get("top_logprobs") or 0)
            entry = lambda t, lp: {"token": t, "logprob": lp, "bytes": list(t.encode())}  # noqa: E731
            logprobs = {"content": [dict(entry(p, GREEDY_LP), top_logprobs=[entry(p, GREEDY_LP), entry(ALT, -3.0)][:k])
                                    for p in pieces], "refusal": None}
        cid, created = "chatcmpl-" + uuid.uuid4().hex, int(time.time())
        if not b.get("stream"):
            msg = {"role": "assistant", "content": content}
            if tool_call:
                msg["tool_calls"] = [tool_call]
            return {"id": cid, "object": "chat.completion", "created": created, "model": model,
                    "choices": [{"index": 0, "message": msg, "logprobs": logprobs, "finish_reason": finish}],
                    "usage": usage(n_prompt, n_out)}

        def chunk(delta, finish_reason=None):
            return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]}

        def events():
            yield chunk({"role": "assistant", "content": "" if content is not None else None})
            if tool_call:
                first = dict(tool_call, index=0, function={"name": tool_call["function"]["name"], "arguments": ""})
                yield chunk({"tool_calls": [first]})
                args = tool_call["function"]["arguments"]
                for i in range(0, len(args), 5):
                    yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[i:i + 5]}}]})
            else:
                for p in pieces:
                    yield chunk({"content": p})
            yield chunk({}, finish)
            if (b.get("stream_options") or {}).get("include_usage"):
                yield {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                       "choices": [], "usage": usage(n_prompt, n_out)}

        self._sse(events())
        return None

    def completions(self, b):
        model = self.check_model(b.get("model"))
        stop = check_sampling(b, 0)
        if b.get("stream"):
            raise bad("the mock does not stream completions", "stream")
        p = b.get("prompt")
        if isinstance(p, str):
            prompts = [p]
        elif isinstance(p, list) and p and all(isinstance(x, int) for x in p):
            prompts = [p]
        elif isinstance(p, list) and p and all(isinstance(x, (str, list)) for x in p):
            prompts = p
        else:
            raise bad("'prompt' must be a string, an array of strings, of token ids, or of token-id arrays", "prompt")
        max_tokens = 16 if b.get("max_tokens") is None else b["max_tokens"]
        n_lp = b.get("logprobs")
        choices, n_prompt, n_out = [], 0, 0
        for idx, pr in enumerate(prompts):
            ids = encode(pr) if isinstance(pr, str) else list(pr)
            text_in = decode(ids)
            pieces, text, finish = generate(text_in, max_tokens, stop)
            gen_ids = encode("".join(pieces))
            logprobs = None
            if n_lp is not None:
                toks, lps, tops = [], [], []
                if b.get("echo"):
                    toks = [piece(i) for i in ids]
                    lps = [None] + [prompt_logprob(ids[:j], ids[j]) for j in range(1, len(ids))]
                    tops = [None] + [top_for(ids[:j], ids[j], n_lp) for j in range(1, len(ids))]
                for g in gen_ids:
                    toks.append(piece(g))
                    lps.append(GREEDY_LP)
                    tops.append({piece(g): GREEDY_LP, ALT: -3.0} if n_lp > 1 else {piece(g): GREEDY_LP})
                offs, pos = [], 0
                for t in toks:
                    offs.append(pos)
                    pos += len(t)
                logprobs = {"tokens": toks, "token_logprobs": lps, "top_logprobs": tops, "text_offset": offs}
            choices.append({"index": idx, "text": (text_in if b.get("echo") else "") + text,
                            "logprobs": logprobs, "finish_reason": finish})
            n_prompt += len(ids)
            n_out += len(gen_ids)
        return {"id": "cmpl-" + uuid.uuid4().hex, "object": "text_completion", "created": int(time.time()),
                "model": model, "choices": choices, "usage": usage(n_prompt, n_out)}

    def embeddings(self, b):
        model = self.check_model(b.get("model"))
        inp = b.get("input")
        inputs = [inp] if isinstance(inp, str) else inp
        if not isinstance(inputs, list) or not inputs or not all(isinstance(x, str) for x in inputs):
            raise bad("'input' must be a string or an array of strings", "input")
        data = []
        for i, text in enumerate(inputs):
            v = embed(text)
            if b.get("encoding_format") == "base64":
                v = base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode()
            data.append({"object": "embedding", "index": i, "embedding": v})
        n = sum(len(encode(t)) for t in inputs)
        return {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": n, "total_tokens": n}}

    def tokenizer_info(self, _):
        return {"eos_token": "<eos>", "bos_token": "<bos>", "pad_token": "<pad>", "model_max_length": 4096}

    def tokenize(self, b):
        if not isinstance(b.get("prompt"), str):
            raise bad("'prompt' must be a string", "prompt")
        toks = encode(b["prompt"], bool(b.get("add_special_tokens", True)))
        return {"tokens": toks, "count": len(toks), "max_model_len": 4096}

    def detokenize(self, b):
        toks = b.get("tokens")
        if not isinstance(toks, list) or not all(isinstance(t, int) for t in toks):
            raise bad("'tokens' must be an array of integers", "tokens")
        try:
            return {"prompt": decode(toks)}
        except ValueError as e:
            raise bad(str(e), "tokens")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8099)
    ap.add_argument("--model", default="mock-model")
    ap.add_argument("--embedding-model", default=None, help="default: same as --model")
    ap.add_argument("--api-key", default=None)
    ap.add_argument("--log", default=None, help="append every request as a JSON line to this file")
    cfg = ap.parse_args()
    cfg.embedding_model = cfg.embedding_model or cfg.model
    Handler.cfg = cfg
    srv = ThreadingHTTPServer((cfg.host, cfg.port), Handler)
    srv.daemon_threads = True
    print(f"mock_server: listening on http://{cfg.host}:{cfg.port}/v1 (model {cfg.model})", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
