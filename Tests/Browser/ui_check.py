#!/usr/bin/env python3
"""The web UI in a real browser: headless Chromium, driven by Selenium through Debian's chromedriver.

    .deps/browser-venv/bin/python Tests/Browser/ui_check.py --url http://127.0.0.1:PORT --key ADMIN_KEY \
        --out DIR --model MODELNAME

Against a running `emergent serve`, it signs in with `#key=`, creates an agent through the builder form (name,
instructions, model, the python tool), asks the draft in the test chat "What is 6 times 7? Use Python.", waits
for a python tool card, its chart shown inline and an answer containing 42, opens the run inspector, checks the agents page at 390 px
wide without horizontal scrolling, and checks through the API that the agent exists with the python tool.

Screenshots go to DIR: builder.png, chat.png, inspector.png, narrow.png (failure.png when something fails).
Any SEVERE message in the browser console fails the check. Exit status: 0 when everything held, 1 on a failure
(with the reason), 2 for bad arguments or a browser that cannot start.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.request

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ModuleNotFoundError:  # pragma: no cover - environment problem, not a UI failure
    sys.stderr.write("ui_check: selenium is not installed; run scripts/setup.sh --peers (.deps/browser-venv)\n")
    sys.exit(2)

QUESTION = "What is 6 times 7? Use Python."
CHAT_TIMEOUT = 60


class Failure(Exception):
    pass


def log(message: str) -> None:
    print(f"ui_check: {message}", flush=True)


class Check:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = args.url.rstrip("/")
        self.console: list[dict] = []
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,900", "--hide-scrollbars", "--force-color-profile=srgb",
                         "--disable-extensions", "--no-first-run", "--lang=en-US"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        try:
            self.driver = webdriver.Chrome(options=options, service=Service(executable_path=args.chromedriver))
        except WebDriverException as error:
            sys.stderr.write(f"ui_check: Chromium did not start ({args.chromium}, {args.chromedriver}): {error.msg}\n")
            sys.exit(2)
        self.driver.set_window_size(1280, 900)

    # MARK: helpers

    def wait(self, condition, seconds: float, what: str):
        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.2).until(lambda driver: condition())
        except TimeoutException:
            raise Failure(f"timed out after {seconds:.0f} s waiting for {what}") from None

    def find(self, selector: str):
        elements = self.driver.find_elements(By.CSS_SELECTOR, selector)
        return elements[0] if elements else None

    def wait_for(self, selector: str, seconds: float = 15, what: str | None = None):
        return self.wait(lambda: self.find(selector), seconds, what or f"'{selector}'")

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def text_of(self, element) -> str:
        return (element.get_attribute("textContent") or "").strip()

    def collect_console(self) -> None:
        try:
            self.console.extend(self.driver.get_log("browser"))
        except WebDriverException:
            pass

    def screenshot(self, name: str) -> str:
        path = os.path.join(self.args.out, name)
        self.driver.save_screenshot(path)
        return path

    def api(self, path: str):
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.args.key}"})
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read().decode())

    # MARK: the check

    def run(self) -> None:
        driver = self.driver
        driver.get(f"{self.base}/#key={self.args.key}")
        self.wait_for("#new-agent", 20, "the agents page after signing in with #key=")
        if "key=" in driver.current_url:
            raise Failure(f"the key stayed in the address bar: {driver.current_url}")
        if self.js("return localStorage.getItem('emergent.key')") != self.args.key:
            raise Failure("the key from #key= was not stored in localStorage['emergent.key']")
        log("signed in with #key=; the fragment was removed from the address bar")

        # Create an agent through the builder form.
        self.find("#new-agent").click()
        name_input = self.wait_for("#agent-name", 10, "the builder form")
        name = f"UI check {time.strftime('%H%M%S')}"
        name_input.send_keys(name)
        self.find("#agent-description").send_keys("Made by the browser check.")
        self.find("#agent-instructions").send_keys("You are a calculator. Use the python tool for arithmetic.")
        self.wait(lambda: len(self.driver.find_elements(By.CSS_SELECTOR, "#agent-model option")) > 0, 10,
                  "the model list")
        model = Select(self.find("#agent-model"))
        values = [option.get_attribute("value") for option in model.options]
        if self.args.model in values:
            model.select_by_value(self.args.model)
            log(f"chose model '{self.args.model}' from the list ({', '.join(values)})")
        else:
            model.select_by_value("__other__")
            custom = self.wait_for("#agent-model-custom", 5)
            custom.clear()
            custom.send_keys(self.args.model)
            log(f"typed model '{self.args.model}' (the list had {', '.join(values)})")
        python_row = self.find('.tool-row[data-tool="python"]')
        if python_row is None:
            raise Failure("the builder has no python tool row")
        label = python_row.find_element(By.CSS_SELECTOR, "label.tool-row-text")
        self.js("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
        if not self.js("return document.querySelector('.switch-input[data-tool=\"python\"]').checked"):
            raise Failure("clicking the python tool did not turn it on")
        self.find("#save-agent").click()
        self.wait(lambda: "/build" in driver.current_url and "/agents/new" not in driver.current_url, 15,
                  "the builder of the created agent")
        agent_id = driver.current_url.split("#/agents/")[1].split("/")[0]
        composer = self.wait_for(".builder-chat textarea.composer-input", 15, "the test chat beside the form")
        self.wait(lambda: "saved" in self.text_of(self.find(".save-state")).lower(), 10, "the saved state")
        log(f"created agent {agent_id} ('{name}') through the form")
        # The screenshot shows the tools with python on, beside the test chat.
        self.js("document.querySelector('.tool-row[data-tool=\"python\"]').scrollIntoView({block: 'center'})")
        time.sleep(0.3)
        self.screenshot("builder.png")

        # Ask the draft in the test chat.
        composer.send_keys(QUESTION)
        composer.send_keys(Keys.ENTER)
        self.wait_for('.builder-chat .tool-card[data-tool="python"]', CHAT_TIMEOUT, "a python tool card")

        def answered():
            answers = self.driver.find_elements(By.CSS_SELECTOR, ".builder-chat .turn.assistant .answer")
            text = " ".join(self.text_of(answer) for answer in answers)
            done = self.find(".builder-chat .turn.assistant .inspect-link")
            return text if "42" in text and done is not None else None

        answer = self.wait(answered, CHAT_TIMEOUT, "a finished answer containing 42")
        card = self.find('.builder-chat .tool-card[data-tool="python"]')
        card_text = " | ".join(line.strip() for line in (card.text or self.text_of(card)).splitlines() if line.strip())
        if "6" not in card_text or "7" not in card_text:
            raise Failure(f"the python tool card does not show the call: {card_text[:300]!r}")
        if "error" in (card.get_attribute("class") or "").split():
            raise Failure(f"the python tool card shows an error: {card_text[:300]!r}")
        # The chart the sandbox drew is shown inline: fetched with the key, decoded by the browser.
        def chart_shown():
            return self.js(
                "const img = document.querySelector('.builder-chat figure.artifact-image img');"
                "return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : null;")
        width = self.wait(chart_shown, 20, "the chart the python call drew, shown inline")
        log(f"inline chart: {width} px wide")
        errors = self.driver.find_elements(By.CSS_SELECTOR, ".builder-chat .notice.error")
        if errors:
            raise Failure(f"the chat shows an error: {self.text_of(errors[0])}")
        log(f"tool card: {card_text[:200]!r}")
        log(f"answer: {answer!r}")
        self.js("document.querySelector('.builder-chat .chat-scroll').scrollTop = 1e9")
        time.sleep(0.3)
        self.screenshot("chat.png")

        # The run inspector, from the answer's "Inspect run".
        self.find(".builder-chat .turn.assistant .inspect-link").click()
        self.wait_for(".timeline .step", 15, "the run inspector's timeline")
        steps = self.driver.find_elements(By.CSS_SELECTOR, ".timeline .step")
        kinds = [" ".join(self.text_of(step.find_element(By.CSS_SELECTOR, ".step-label")).split()) for step in steps]
        if not any("python" in kind for kind in kinds):
            raise Failure(f"the inspector shows no python step: {kinds}")
        log(f"inspector: {len(steps)} steps: {', '.join(kinds)}")
        self.screenshot("inspector.png")

        # The API agrees.
        try:
            agent = self.api(f"/v1/agents/{agent_id}")
        except urllib.error.HTTPError as error:
            raise Failure(f"GET /v1/agents/{agent_id} answered {error.code}: {error.read()[:300]!r}") from None
        tools = (agent.get("definition") or {}).get("tools") or {}
        if "python" not in tools:
            raise Failure(f"the agent's definition has no python tool: {json.dumps(agent.get('definition'))[:400]}")
        if (agent.get("definition") or {}).get("model") != self.args.model:
            raise Failure(f"the agent's model is {agent['definition'].get('model')!r}, not {self.args.model!r}")
        log(f"API: agent {agent_id} has tools {sorted(tools)} and model {agent['definition'].get('model')!r}")

        # A phone-sized window: the agents page fits without horizontal scrolling.
        driver.set_window_size(390, 844)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        driver.get(f"{self.base}/#/agents")
        self.wait_for(f'.agent-card[data-agent-id="{agent_id}"]', 15, "the new agent on the agents page")
        time.sleep(0.3)
        scroll_width, inner_width = self.js(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        self.screenshot("narrow.png")
        if scroll_width > inner_width:
            raise Failure(f"the agents page scrolls sideways at {inner_width} px: scrollWidth {scroll_width}")
        log(f"narrow: scrollWidth {scroll_width} ≤ innerWidth {inner_width}")
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

        self.collect_console()
        severe = [entry for entry in self.console if entry.get("level") == "SEVERE"]
        if severe:
            raise Failure("the browser console logged errors:\n  " +
                          "\n  ".join(entry.get("message", "") for entry in severe))
        log(f"console: {len(self.console)} messages, none SEVERE")

    def close(self) -> None:
        try:
            self.driver.quit()
        except WebDriverException:
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="the admin key")
    parser.add_argument("--out", required=True, help="folder for the screenshots")
    parser.add_argument("--model", required=True, help="the model the agent uses")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    check = Check(args)
    try:
        check.run()
    except Failure as failure:
        check.collect_console()
        log(f"FAIL: {failure}")
        for entry in check.console:
            log(f"console {entry.get('level')}: {entry.get('message')}")
        log(f"screenshot: {check.screenshot('failure.png')} (page {check.driver.current_url})")
        check.close()
        return 1
    except Exception:  # noqa: BLE001 - any other error is a failure too, with its trace
        log("FAIL: unexpected error\n" + traceback.format_exc())
        try:
            log(f"screenshot: {check.screenshot('failure.png')}")
        except WebDriverException:
            pass
        check.close()
        return 1
    check.close()
    log("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
