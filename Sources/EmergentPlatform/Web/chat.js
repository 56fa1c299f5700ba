// The chat view: a streamed conversation with an agent, its tool steps as cards, images, citations, a composer
// with attachments and a stop button. Used by the builder's test chat (draft) and the full-page chat.

import { api, blobURL, downloadFile, streamRun, uploadFile } from "./api.js";
import { autoGrow, copyText, formatBytes, formatSeconds, h, icon, spinner, toast } from "./dom.js";
import { highlightJSON, highlightPython } from "./highlight.js";
import { CitationNumbers, renderMarkdown } from "./markdown.js";

const PREVIEW_CHARACTERS = 1500;
const PREVIEW_LINES = 18;

const TOOL_LABELS = {
    python: ["Python", "code"],
    browser_search: ["Web search", "search"],
    browser_open: ["Open page", "globe"],
    browser_find: ["Find on page", "search"],
    knowledge_search: ["Knowledge", "book"],
    generate_image: ["Image", "image"],
};

function toolLabel(name) {
    if (TOOL_LABELS[name]) return TOOL_LABELS[name];
    if (name && name.includes("__")) return [name, "server"]; // an MCP server's prefixed tool
    return [name || "tool", "tool"];
}

function parseArguments(value) {
    if (typeof value !== "string") return value ?? {};
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** Tool-call markup some chat templates leave in an assistant message's text beside the parsed calls. */
function visibleText(text) {
    return String(text || "")
        .replace(/<tool_call>[\s\S]*?(<\/tool_call>|$)/g, "")
        .replace(/<\|[^|>]*\|>/g, "")
        .trim();
}

function isImage(artifact) {
    return /^image\//.test(artifact.mime_type || "") || /\.(png|jpe?g|gif|webp|svg)$/i.test(artifact.name || "");
}

export class ChatView {
    /**
     * agentID: whose runs; version: "draft" for the builder's test chat, null for the published version;
     * intro(): {name, welcome, prompts} for the empty chat; onConversation(id): a run started or continued one;
     * beforeSend(): may save the draft first and return false to hold the message back.
     */
    constructor({ agentID, version = null, intro = () => ({}), onConversation = () => {}, beforeSend = null,
        label = "Chat", compact = false }) {
        this.agentID = agentID;
        this.version = version;
        this.intro = intro;
        this.onConversation = onConversation;
        this.beforeSend = beforeSend;
        this.conversationID = null;
        this.sources = new Map(); // citation id → {title, url, quote}, for the whole conversation
        this.attachments = [];
        this.running = null;
        this.element = this.build(label, compact);
        this.showEmpty();
    }

    build(label, compact) {
        this.log = h("div", {
            class: "chat-log", role: "log", "aria-live": "polite", "aria-relevant": "additions text",
            "aria-label": "Conversation",
        });
        this.empty = h("div", { class: "chat-empty" });
        this.scroller = h("div", { class: "chat-scroll" }, this.empty, this.log);
        // Follow the stream while the reader is at the bottom; scrolling up to read stops following.
        this.following = true;
        this.scroller.addEventListener("scroll", () => {
            const distance = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
            this.following = distance < 80;
        }, { passive: true });
        // An image that arrives later grows the transcript (load does not bubble, so listen while capturing).
        this.scroller.addEventListener("load", () => this.scrollToEnd(), true);
        this.scroller.addEventListener("click", (event) => {
            const button = event.target.closest(".copy-code");
            if (button) copyText(button.closest(".code-block").querySelector("code").textContent);
        });

        const textareaID = `composer-${Math.random().toString(36).slice(2, 8)}`;
        this.input = h("textarea", {
            id: textareaID, rows: 1, class: "composer-input", placeholder: "Send a message…",
            "aria-describedby": `${textareaID}-hint`,
        });
        this.resizeInput = autoGrow(this.input);
        this.input.addEventListener("keydown", (event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                this.submit();
            }
        });
        this.input.addEventListener("input", () => this.updateComposer());
        this.fileInput = h("input", { type: "file", multiple: true, hidden: true, tabindex: -1 });
        this.fileInput.addEventListener("change", () => {
            for (const file of this.fileInput.files) this.attach(file);
            this.fileInput.value = "";
        });
        this.attachButton = h("button", {
            type: "button", class: "btn-icon", "aria-label": "Attach files", title: "Attach files",
            onclick: () => this.fileInput.click(),
        }, icon("clip"));
        this.sendButton = h("button", { type: "submit", class: "send-btn", "aria-label": "Send", title: "Send" },
            icon("send"));
        this.stopButton = h("button", {
            type: "button", class: "send-btn stop", "aria-label": "Stop the run", title: "Stop", hidden: true,
            onclick: () => this.stop(),
        }, icon("stop"));
        this.chips = h("div", { class: "attachments", "aria-label": "Attached files" });
        const form = h("form", {
            class: "composer",
            onsubmit: (event) => {
                event.preventDefault();
                this.submit();
            },
        },
        this.chips,
        h("div", { class: "composer-box" },
            this.attachButton, this.fileInput,
            h("label", { for: textareaID, class: "visually-hidden" }, "Message"),
            this.input, this.sendButton, this.stopButton),
        h("p", { class: "composer-hint", id: `${textareaID}-hint` },
            h("kbd", {}, "Enter"), " to send · ", h("kbd", {}, "Shift"), "+", h("kbd", {}, "Enter"), " for a new line"));
        this.updateComposer();
        return h("section", { class: `chat${compact ? " compact" : ""}`, "aria-label": label }, this.scroller, form);
    }

    focus() {
        this.input.focus();
    }

    updateComposer() {
        const uploading = this.attachments.some((item) => !item.id && !item.error);
        this.sendButton.disabled = !!this.running || uploading || this.input.value.trim() === "";
        this.sendButton.hidden = !!this.running;
        this.stopButton.hidden = !this.running;
    }

    /** The empty chat: the agent's welcome and suggested prompts as chips. */
    showEmpty() {
        const { name, welcome, prompts } = this.intro() || {};
        this.empty.replaceChildren(...[
            h("div", { class: "empty-mark", "aria-hidden": "true" }, icon("sparkle", 26)),
            h("h2", { class: "empty-title" }, name || "New conversation"),
            h("div", { class: "empty-welcome markdown", html: renderMarkdown(welcome || "How can I help you today?") }),
            (prompts || []).filter(Boolean).length > 0
                ? h("ul", { class: "prompt-chips", "aria-label": "Suggested prompts" },
                    prompts.filter(Boolean).map((prompt) =>
                        h("li", {}, h("button", {
                            type: "button", class: "chip", onclick: () => this.send(prompt),
                        }, prompt))))
                : null,
        ].filter(Boolean));
        this.empty.hidden = this.log.childElementCount > 0;
    }

    /** Forgets the conversation: the next message starts a new one. */
    reset() {
        // Leaving a conversation does not stop its run (the server finishes it); this view just stops listening.
        if (this.running) {
            this.running.controller.abort();
            this.running = null;
            this.log.removeAttribute("aria-busy");
        }
        this.conversationID = null;
        this.sources = new Map();
        this.log.replaceChildren();
        this.attachments = [];
        this.renderChips();
        this.showEmpty();
        this.updateComposer();
    }

    dispose() {
        if (this.running) this.running.controller.abort();
    }

    // MARK: attachments

    attach(file) {
        const item = { file, id: null, error: null };
        this.attachments.push(item);
        this.renderChips();
        this.updateComposer();
        uploadFile(file, "input").then((uploaded) => {
            item.id = uploaded.id;
        }).catch((error) => {
            item.error = error.message;
            toast(`Could not upload ${file.name}: ${error.message}`, "error");
        }).finally(() => {
            this.renderChips();
            this.updateComposer();
        });
    }

    renderChips() {
        this.chips.replaceChildren(...this.attachments.map((item) =>
            h("span", { class: `file-chip${item.error ? " error" : ""}` },
                item.id || item.error ? icon(item.error ? "alert" : "file", 14) : spinner(),
                h("span", { class: "file-chip-name" }, item.file.name),
                h("span", { class: "muted" }, item.error ? "failed" : formatBytes(item.file.size)),
                h("button", {
                    type: "button", class: "chip-remove", "aria-label": `Remove ${item.file.name}`,
                    onclick: () => {
                        this.attachments = this.attachments.filter((other) => other !== item);
                        this.renderChips();
                        this.updateComposer();
                    },
                }, icon("x", 14)))));
        this.chips.hidden = this.attachments.length === 0;
    }

    // MARK: sending

    submit() {
        if (!this.sendButton.disabled) this.send(this.input.value);
    }

    async send(text) {
        text = String(text || "").trim();
        if (!text || this.running) return;
        if (this.beforeSend && !(await this.beforeSend())) return;
        const files = this.attachments.filter((item) => item.id);
        this.attachments = [];
        this.renderChips();
        this.input.value = "";
        this.resizeInput();
        this.empty.hidden = true;
        this.log.append(this.userTurn(text, files.map((item) => item.file.name)));
        const turn = new AssistantTurn(this, { live: true });
        this.log.append(turn.element);
        this.scrollToEnd(true);

        const controller = new AbortController();
        this.running = { controller, turn, runID: null };
        this.log.setAttribute("aria-busy", "true");
        this.updateComposer();
        const body = { input: text };
        if (this.conversationID) body.conversation_id = this.conversationID;
        if (files.length > 0) body.files = files.map((item) => item.id);
        if (this.version) body.version = this.version;
        try {
            await streamRun(this.agentID, body, (name, data) => this.handle(turn, name, data), controller.signal);
            if (!turn.finished) {
                turn.fail(controller.signal.aborted ? null : "The stream ended before the run finished.",
                    controller.signal.aborted ? "cancelled" : "interrupted");
            }
        } catch (error) {
            if (error.name === "AbortError") turn.fail(null, "cancelled");
            else turn.fail(error.message);
        } finally {
            if (this.running && this.running.controller === controller) {
                clearTimeout(this.running.abortTimer);
                this.running = null;
                this.log.removeAttribute("aria-busy");
                this.updateComposer();
                if (this.element.isConnected) this.input.focus();
            }
        }
    }

    handle(turn, name, data) {
        if (!data || typeof data !== "object") return;
        switch (name) {
            case "run.started":
                turn.runID = data.run_id;
                if (this.running) this.running.runID = data.run_id;
                if (data.conversation_id && data.conversation_id !== this.conversationID) {
                    this.conversationID = data.conversation_id;
                    this.onConversation(data.conversation_id);
                }
                turn.setStatus("Thinking…");
                break;
            case "model.delta":
                if (data.reasoning) turn.appendReasoning(data.step, data.reasoning);
                if (data.text && !turn.answers.has(data.step)) turn.setStatus("Thinking…");
                break;
            case "message.delta":
                if (data.text) turn.appendAnswer(data.step, data.text);
                break;
            case "tool.call":
                if (data.call) turn.toolCall(data.call, { open: true });
                break;
            case "tool.output":
                turn.toolOutput(data);
                break;
            case "step.completed":
                break;
            case "run.completed":
            case "run.failed":
                turn.finish(data);
                break;
            default:
                break;
        }
        this.scrollToEnd();
    }

    stop() {
        const running = this.running;
        if (!running) return;
        running.turn.setStatus("Stopping…");
        if (running.runID) {
            api("POST", `/v1/runs/${encodeURIComponent(running.runID)}/cancel`).catch(() => {});
            // The cancelled result usually arrives at once; the fetch is aborted if it does not.
            running.abortTimer = setTimeout(() => running.controller.abort(), 1500);
        } else {
            running.controller.abort();
        }
    }

    scrollToEnd(force = false) {
        if (!force && !this.following) return;
        this.following = true;
        // After layout, so a block rendered in the next frame (Markdown, images) is included.
        requestAnimationFrame(() => {
            this.scroller.scrollTop = this.scroller.scrollHeight;
        });
    }

    userTurn(text, fileNames = []) {
        return h("article", { class: "turn user", "aria-label": "You" },
            h("div", { class: "bubble" },
                fileNames.length > 0
                    ? h("div", { class: "bubble-files" }, fileNames.map((name) =>
                        h("span", { class: "file-chip small" }, icon("file", 14), name)))
                    : null,
                h("div", { class: "bubble-text" }, text)));
    }

    // MARK: history

    /** Shows a stored conversation: messages rebuilt into turns with their tool steps, then each run's details. */
    async loadConversation(conversationID) {
        const conversation = await api("GET", `/v1/conversations/${encodeURIComponent(conversationID)}`);
        this.reset();
        this.conversationID = conversation.id;
        const turns = [];
        let current = null;
        for (const message of conversation.messages || []) {
            if (message.role === "user") {
                current = null;
                this.log.append(this.userTurn(message.content || ""));
            } else if (message.role === "assistant" || message.role === "tool") {
                if (!current || (message.run_id && current.runID && message.run_id !== current.runID)) {
                    current = new AssistantTurn(this, { live: false });
                    current.runID = message.run_id || null;
                    turns.push(current);
                    this.log.append(current.element);
                }
                if (message.role === "tool") {
                    for (const source of sourcesInText(message.content)) this.sources.set(source.id, source);
                    current.toolOutput({
                        call_id: message.tool_call_id, name: message.name,
                        output: { text: message.content || "", is_error: false },
                    });
                } else {
                    const calls = message.tool_calls || [];
                    const text = visibleText(message.content);
                    if (text) current.appendAnswer(`m${current.answers.size}`, text);
                    for (const call of calls) {
                        current.toolCall({
                            id: call.id, name: call.function ? call.function.name : call.name,
                            arguments: parseArguments(call.function ? call.function.arguments : call.arguments),
                        }, { open: false });
                    }
                }
            }
        }
        for (const turn of turns) turn.finish(null);
        this.showEmpty();
        this.scrollToEnd(true);
        // Each run adds what messages do not keep: images, quotes of citations, usage, status.
        await Promise.all(turns.filter((turn) => turn.runID).slice(-20).map(async (turn) => {
            try {
                const run = await api("GET", `/v1/runs/${encodeURIComponent(turn.runID)}`);
                turn.enrich(run);
            } catch {
                // the transcript stays as the messages gave it
            }
        }));
        return conversation;
    }
}

/** `【id†title】 url` lines of a browser tool's output → sources. */
function sourcesInText(text) {
    const sources = [];
    for (const match of String(text || "").matchAll(/【([^†】]+)†([^】]*)】\s+(\S+)/g)) {
        sources.push({ id: match[1], title: match[2], url: match[3] });
    }
    return sources;
}

/** One answer of the agent: reasoning, answer text, tool cards and images in the order they came. */
class AssistantTurn {
    constructor(chat, { live }) {
        this.chat = chat;
        this.live = live;
        this.runID = null;
        this.answers = new Map(); // step → {text, element}
        this.reasonings = new Map();
        this.cards = new Map(); // call id → card
        this.shownArtifacts = new Set();
        this.citations = new CitationNumbers((id) => chat.sources.get(id));
        this.finished = false;
        this.body = h("div", { class: "turn-body" });
        this.status = h("div", { class: "turn-status", hidden: !live }, spinner(), h("span", {}, "Thinking…"));
        this.element = h("article", { class: "turn assistant", "aria-label": "Answer" },
            h("div", { class: "avatar", "aria-hidden": "true" }, icon("sparkle", 16)),
            h("div", { class: "turn-main" }, this.body, this.status));
    }

    setStatus(text) {
        if (this.finished) return;
        this.status.hidden = false;
        this.status.lastChild.textContent = text;
    }

    appendReasoning(step, text) {
        let block = this.reasonings.get(step);
        if (!block) {
            const content = h("div", { class: "reasoning-text" });
            block = { text: "", content, element: h("details", { class: "reasoning" },
                h("summary", {}, icon("sparkle", 14), "Reasoning"), content) };
            this.reasonings.set(step, block);
            this.body.append(block.element);
        }
        block.text += text;
        block.content.textContent = block.text;
    }

    appendAnswer(step, text) {
        let block = this.answers.get(step);
        if (!block) {
            block = { text: "", element: h("div", { class: "answer markdown" }), scheduled: false };
            this.answers.set(step, block);
            this.body.append(block.element);
        }
        block.text += text;
        this.setStatus("Writing…");
        if (!block.scheduled) {
            block.scheduled = true;
            requestAnimationFrame(() => {
                block.scheduled = false;
                this.renderAnswer(block);
            });
        }
    }

    renderAnswer(block) {
        block.element.innerHTML = renderMarkdown(block.text, this.citations);
    }

    get answerText() {
        return [...this.answers.values()].map((block) => block.text).join("\n\n");
    }

    toolCall(call, { open }) {
        const card = new ToolCard(this, call, open);
        this.cards.set(call.id || `call-${this.cards.size}`, card);
        this.body.append(card.element, card.artifacts);
        this.setStatus(`Running ${toolLabel(call.name)[0]}…`);
    }

    toolOutput(data) {
        let card = this.cards.get(data.call_id);
        if (!card) {
            card = new ToolCard(this, { id: data.call_id, name: data.name, arguments: undefined }, this.live);
            this.cards.set(data.call_id, card);
            this.body.append(card.element, card.artifacts);
        }
        const output = data.output || {};
        for (const source of output.citations || []) this.chat.sources.set(source.id, source);
        card.setOutput(output, data.duration_seconds);
        this.setStatus("Thinking…");
    }

    showArtifacts(artifacts, container) {
        for (const artifact of artifacts || []) {
            const key = artifact.file_id || artifact.url;
            if (!key || !/^(file-|\/)/.test(key) || this.shownArtifacts.has(key)) continue;
            this.shownArtifacts.add(key);
            container.append(artifactView(artifact));
        }
    }

    /** The run ended (a RunResult), or the transcript came from history (null). */
    finish(result) {
        this.finished = true;
        this.status.hidden = true;
        for (const card of this.cards.values()) card.settle();
        if (result) {
            for (const source of result.citations || []) this.chat.sources.set(source.id, source);
            if (this.answers.size === 0 && result.answer) this.appendAnswer("final", result.answer);
            const extra = h("div", { class: "turn-artifacts" });
            this.showArtifacts(result.artifacts, extra);
            if (extra.childElementCount > 0) this.body.append(extra);
            if (result.limit_hit) {
                this.body.append(h("div", { class: "notice warn" }, icon("alert", 16),
                    `Stopped at a limit: ${String(result.limit_hit).replace(/_/g, " ")}.`));
            }
            if (result.status === "cancelled") {
                this.body.append(h("div", { class: "notice" }, icon("stop", 16), "Stopped."));
            } else if (result.status === "failed" || result.status === "interrupted" || result.error) {
                this.body.append(h("div", { class: "notice error", role: "alert" }, icon("alert", 16),
                    statusSentence(result.status, result.error)));
            }
        }
        for (const block of this.answers.values()) this.renderAnswer(block);
        this.renderFooter(result);
    }

    /** Adds a stored run's details to a turn rebuilt from messages. */
    enrich(run) {
        // A saved step's artifact path is its file's URL (/v1/files/<id>/content); older ones fall back to the
        // run's file list, matched by name.
        const stored = new Map((run.artifacts || []).map((artifact) => [artifact.name, artifact]));
        const fromPath = (artifact) => {
            const match = /^\/v1\/files\/([^/]+)\/content$/.exec(artifact.path || "");
            if (!match) return null;
            return { file_id: match[1], url: artifact.path, name: artifact.name, mime_type: artifact.mime_type,
                     bytes: artifact.byte_count };
        };
        for (const step of run.steps || []) {
            if (step.kind !== "tool" || !step.output) continue;
            for (const source of step.output.citations || []) this.chat.sources.set(source.id, source);
            const card = this.cards.get(step.call_id);
            const artifacts = (step.output.artifacts || [])
                .map((artifact) => (artifact.file_id ? artifact : fromPath(artifact) || stored.get(artifact.name)))
                .filter(Boolean);
            if (card) card.setOutput({ ...step.output, artifacts }, step.duration_seconds);
        }
        for (const source of run.citations || []) this.chat.sources.set(source.id, source);
        const extra = h("div", { class: "turn-artifacts" });
        this.showArtifacts(run.artifacts, extra);
        if (extra.childElementCount > 0) this.body.append(extra);
        for (const block of this.answers.values()) this.renderAnswer(block);
        if (run.status && run.status !== "completed") {
            this.body.append(h("div", { class: `notice${run.status === "cancelled" ? "" : " error"}` },
                icon("alert", 16), statusSentence(run.status, run.error)));
        }
        this.renderFooter(run);
    }

    renderFooter(result) {
        if (this.footer) this.footer.remove();
        const sources = this.citations.list();
        const parts = [];
        if (sources.length > 0) {
            this.body.querySelector(".sources")?.remove();
            this.body.append(h("div", { class: "sources" },
                h("h3", { class: "sources-title" }, "Sources"),
                h("ol", {}, sources.map((source) => h("li", { value: source.n },
                    /^https?:/i.test(source.url || "")
                        ? h("a", { href: source.url, target: "_blank", rel: "noopener noreferrer",
                            title: source.quote || source.url }, source.title || source.url)
                        : h("span", { title: source.url || "" }, source.title || source.id),
                    source.url && /^https?:/i.test(source.url)
                        ? h("span", { class: "muted host" }, hostOf(source.url)) : null)))));
        }
        const meta = [];
        if (result && result.duration_seconds != null) meta.push(formatSeconds(result.duration_seconds));
        if (result && result.usage && result.usage.total_tokens != null) {
            meta.push(`${result.usage.total_tokens.toLocaleString()} tokens`);
        }
        if (this.answers.size > 0) {
            parts.push(h("button", {
                type: "button", class: "btn-ghost btn-xs", onclick: () => copyText(this.answerText),
                "aria-label": "Copy the answer",
            }, icon("copy", 14), "Copy"));
        }
        if (this.runID) {
            parts.push(h("a", {
                class: "btn-ghost btn-xs inspect-link", href: `#/runs/${encodeURIComponent(this.runID)}`,
            }, icon("timeline", 14), "Inspect run"));
        }
        this.footer = h("footer", { class: "turn-meta" },
            meta.length > 0 ? h("span", { class: "muted" }, meta.join(" · ")) : null, parts);
        this.body.append(this.footer);
    }

    fail(message, status = "failed") {
        if (this.finished) return;
        this.finish({ status, error: message, duration_seconds: null });
    }
}

function statusSentence(status, error) {
    const head = { cancelled: "The run was stopped", interrupted: "The run was interrupted" }[status] ||
        "The run failed";
    return error ? `${head}: ${messageOf(error)}` : `${head}.`;
}

function messageOf(error) {
    if (!error) return "";
    if (typeof error === "string") return error;
    return error.message || JSON.stringify(error);
}

function hostOf(url) {
    try {
        return new URL(url).host;
    } catch {
        return "";
    }
}

/** A tool step: the call (code or arguments) and its output, in a <details> card. */
class ToolCard {
    constructor(turn, call, open) {
        this.turn = turn;
        this.call = call;
        this.done = false;
        const [label, iconName] = toolLabel(call.name);
        this.statusElement = h("span", { class: "tool-status" }, spinner(), h("span", {}, "running"));
        this.preview = h("span", { class: "tool-preview" }, previewOf(call));
        this.callSection = h("div", { class: "tool-section" });
        this.outputSection = h("div", { class: "tool-section" },
            h("div", { class: "tool-section-title" }, "Output"), h("div", { class: "muted small" }, "Running…"));
        this.element = h("details", { class: "tool-card running", open, dataset: { tool: call.name || "tool" } },
            h("summary", {},
                h("span", { class: "tool-icon" }, icon(iconName, 15)),
                h("span", { class: "tool-name" }, label),
                call.name && call.name !== label.toLowerCase() ? h("code", { class: "tool-id" }, call.name) : null,
                this.preview, this.statusElement),
            h("div", { class: "tool-body" }, this.callSection, this.outputSection));
        this.artifacts = h("div", { class: "tool-artifacts" });
        this.renderCall();
    }

    renderCall() {
        const args = this.call.arguments;
        if (args === undefined) return;
        if (this.call.name === "python" && args && typeof args.code === "string") {
            this.callSection.replaceChildren(h("div", { class: "tool-section-title" }, "Code"),
                h("pre", { class: "code" }, h("code", { class: "language-python", html: highlightPython(args.code) })));
        } else {
            this.callSection.replaceChildren(h("div", { class: "tool-section-title" }, "Arguments"),
                h("pre", { class: "code" }, h("code", { class: "language-json", html: highlightJSON(args) })));
        }
    }

    setOutput(output, duration) {
        this.done = true;
        const isError = !!output.is_error;
        this.element.classList.remove("running");
        this.element.classList.toggle("error", isError);
        this.statusElement.replaceChildren(isError
            ? h("span", { class: "badge badge-error" }, "error")
            : h("span", { class: "tool-ok" }, icon("check", 14), duration != null ? formatSeconds(duration) : "done"));
        const children = [h("div", { class: "tool-section-title" }, isError ? "Error" : "Output")];
        const citations = output.citations || [];
        if (this.call.name === "browser_search" && citations.length > 0) {
            const snippets = snippetsOf(output.text);
            children.push(h("ul", { class: "result-list" }, citations.map((source) =>
                h("li", {},
                    h("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, source.title || source.url),
                    h("span", { class: "muted host" }, hostOf(source.url)),
                    snippets.get(source.url) ? h("p", { class: "result-snippet" }, snippets.get(source.url)) : null))));
            children.push(this.rawOutput(output.text, "Raw output"));
        } else if (this.call.name === "browser_open" && citations.length > 0) {
            children.push(h("ul", { class: "page-list" }, citations.map((source) =>
                h("li", {}, icon("globe", 14),
                    h("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, source.title || source.url),
                    h("span", { class: "muted host" }, source.url)))));
            children.push(this.rawOutput(output.text, "Page text"));
        } else if (output.text) {
            children.push(truncatedText(output.text, isError));
        } else {
            children.push(h("div", { class: "muted small" }, "(no output)"));
        }
        this.outputSection.replaceChildren(...children);
        this.turn.showArtifacts(output.artifacts, this.artifacts);
    }

    rawOutput(text, label) {
        if (!text) return null;
        return h("details", { class: "raw-output" }, h("summary", {}, label), truncatedText(text, false));
    }

    settle() {
        if (this.done) return;
        this.element.classList.remove("running");
        this.statusElement.replaceChildren(h("span", { class: "muted" }, "no output"));
    }
}

function previewOf(call) {
    const args = call.arguments;
    if (args === undefined || args === null) return "";
    if (call.name === "python" && typeof args.code === "string") {
        return args.code.split("\n").find((line) => line.trim() && !line.trim().startsWith("#"))?.trim() || "";
    }
    if (typeof args === "string") return args.slice(0, 100);
    if (args.query) return args.query;
    if (Array.isArray(args.targets)) return args.targets.join(", ");
    if (args.pattern) return `“${args.pattern}”`;
    if (args.prompt) return args.prompt;
    const text = JSON.stringify(args);
    return text === "{}" ? "" : text.slice(0, 100);
}

/** Snippet lines under each `【id†title】 url` hit of a search's text, by URL. */
function snippetsOf(text) {
    const snippets = new Map();
    let url = null;
    for (const line of String(text || "").split("\n")) {
        const hit = /^【[^】]*】\s+(\S+)/.exec(line);
        if (hit) url = hit[1];
        else if (url && line.startsWith("  ")) snippets.set(url, line.trim());
    }
    return snippets;
}

/** Monospace output, cut to its first lines with a "Show all" button. */
function truncatedText(text, isError) {
    const pre = h("pre", { class: `output${isError ? " error" : ""}` });
    const lines = text.split("\n");
    const long = text.length > PREVIEW_CHARACTERS || lines.length > PREVIEW_LINES;
    if (!long) {
        pre.textContent = text;
        return pre;
    }
    let preview = lines.slice(0, PREVIEW_LINES).join("\n");
    if (preview.length > PREVIEW_CHARACTERS) preview = preview.slice(0, PREVIEW_CHARACTERS);
    pre.textContent = `${preview}\n…`;
    const button = h("button", {
        type: "button", class: "btn-ghost btn-xs show-all",
        onclick: () => {
            pre.textContent = text;
            button.remove();
        },
    }, `Show all (${lines.length.toLocaleString()} lines, ${text.length.toLocaleString()} characters)`);
    return h("div", {}, pre, button);
}

/** An image artifact inline (fetched with the key), or a file to download. */
function artifactView(artifact) {
    const url = artifact.url || `/v1/files/${encodeURIComponent(artifact.file_id)}/content`;
    if (isImage(artifact)) {
        const image = h("img", { alt: artifact.name || "image", loading: "lazy" });
        const figure = h("figure", { class: "artifact-image loading" }, image,
            h("figcaption", {}, artifact.name || "", h("button", {
                type: "button", class: "btn-ghost btn-xs", "aria-label": `Download ${artifact.name || "image"}`,
                onclick: () => downloadFile(url, artifact.name).catch((error) => toast(error.message, "error")),
            }, icon("download", 14))));
        blobURL(url).then((objectURL) => {
            image.src = objectURL;
            figure.classList.remove("loading");
        }).catch((error) => {
            figure.replaceChildren(h("div", { class: "notice error" }, icon("alert", 16),
                `Could not load ${artifact.name || "the image"}: ${error.message}`));
        });
        return figure;
    }
    return h("button", {
        type: "button", class: "file-chip artifact-file",
        onclick: () => downloadFile(url, artifact.name).catch((error) => toast(error.message, "error")),
        "aria-label": `Download ${artifact.name || "file"}`,
    }, icon("download", 14), h("span", { class: "file-chip-name" }, artifact.name || artifact.file_id),
    h("span", { class: "muted" }, formatBytes(artifact.bytes)));
}
