"""A scripted OpenAI-compatible chat server for tests that need a model behind HTTP in another process.

It replays a fixed script, whatever is asked: while the last message is the user's, it calls the python tool with
SCRIPT_CODE; after a tool result, it answers "The result is <result>.". Streamed (SSE) or whole. It prints
"listening on PORT" once bound (port 0 picks a free one).

    python scripted_upstream.py [--port 0] [--code "import time; time.sleep(60)"]
"""
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reply_for(body, code):
    last = body["messages"][-1]
    if last.get("role") == "tool":
        return {"content": "The result is %s." % str(last.get("content", "")).strip()}, "stop"
    call = {"id": "call_1", "type": "function",
            "function": {"name": "python", "arguments": json.dumps({"code": code})}}
    return {"content": "", "tool_calls": [call]}, "tool_calls"


class Handler(BaseHTTPRequestHandler):
    code = "print(1)"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_json({"object": "list", "data": [{"id": "scripted", "object": "model"}]})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        message, finish = reply_for(body, self.code)
        usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        base = {"id": "chatcmpl-scripted", "created": int(time.time()), "model": "scripted"}
        if not body.get("stream"):
            self.send_json(dict(base, object="chat.completion", usage=usage, choices=[
                {"index": 0, "message": dict(message, role="assistant"), "finish_reason": finish}]))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        delta = {"role": "assistant", "content": message["content"]}
        if "tool_calls" in message:
            delta["tool_calls"] = [dict(message["tool_calls"][0], index=0)]
        for chunk in (
            dict(base, object="chat.completion.chunk", choices=[{"index": 0, "delta": delta, "finish_reason": None}]),
            dict(base, object="chat.completion.chunk", choices=[{"index": 0, "delta": {}, "finish_reason": finish}],
                 usage=usage),
        ):
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def send_json(self, value):
        data = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--code", default="print(1)")
    args = parser.parse_args()
    Handler.code = args.code
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening on %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
