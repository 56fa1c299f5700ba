"""Checks that the official openai SDK works unchanged against an Emergent agent (model "agent:<id>").

The agent runs on the platform tests' scripted model: "python: CODE" makes it call the Python tool and then answer
"The result is <output>.".

    python openai_agent_check.py --base-url http://127.0.0.1:PORT/v1 --api-key KEY --agent agt_...
"""
import argparse
import sys

import openai


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--agent", required=True)
    args = parser.parse_args()
    client = openai.OpenAI(base_url=args.base_url, api_key=args.api_key, max_retries=0, timeout=120)
    model = f"agent:{args.agent}"

    whole = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "python: print(6 * 7)"}])
    answer = whole.choices[0].message.content
    assert answer == "The result is 42.", answer
    assert whole.choices[0].finish_reason == "stop", whole.choices[0].finish_reason
    assert whole.usage.completion_tokens > 0, whole.usage
    # Richer clients read the run from the extension field.
    extra = whole.model_extra["emergent"]
    assert [step["kind"] for step in extra["steps"]] == ["model", "tool", "model"], extra["steps"]
    print("whole: ok:", answer, "run", extra["run_id"])

    pieces = []
    tool_events = []
    finish = None
    for chunk in client.chat.completions.create(
            model=model, stream=True, messages=[{"role": "user", "content": "python: print(3 + 4)"}]):
        if chunk.choices:
            if chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            if chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
        extension = (chunk.model_extra or {}).get("emergent")
        if extension:
            tool_events.append(extension["event"])
    streamed = "".join(pieces)
    assert streamed == "The result is 7.", streamed
    assert finish == "stop", finish
    assert "tool.call" in tool_events and "tool.output" in tool_events, tool_events
    print("streamed: ok:", streamed, "steps seen:", tool_events)

    try:
        client.chat.completions.create(model="agent:agt_missing", messages=[{"role": "user", "content": "x"}])
        raise AssertionError("an unknown agent must fail")
    except openai.NotFoundError as error:
        print("unknown agent: ok:", error.status_code)

    bad = openai.OpenAI(base_url=args.base_url, api_key="emk-wrong", max_retries=0)
    try:
        bad.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
        raise AssertionError("a wrong key must fail")
    except openai.AuthenticationError as error:
        print("wrong key: ok:", error.status_code)
    print("all agent checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
