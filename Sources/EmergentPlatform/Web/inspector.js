// The run inspector: one run's steps as a timeline (start, duration bar, tokens, time to first token) with each
// step's content, and the run's totals.

import { api } from "./api.js";
import { formatSeconds, fullTime, h, icon, spinner } from "./dom.js";
import { highlightJSON, highlightPython } from "./highlight.js";
import { renderMarkdown } from "./markdown.js";

function tokens(value) {
    return value == null ? "—" : Number(value).toLocaleString();
}

/** Prompt tokens the engine reused from its cache, under whichever name the usage carries them. */
function reusedTokens(usage) {
    if (!usage) return null;
    return usage.reused_prompt_tokens ?? usage.reused_tokens ?? usage.cached_tokens ??
        usage.prompt_tokens_details?.cached_tokens ?? null;
}

function stat(label, value, detail) {
    return h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value, detail ? h("span", { class: "muted small" }, detail) : null));
}

export function runPage({ runID }) {
    const body = h("div", { class: "inspector-body" }, h("div", { class: "loading-line" }, spinner(), "Loading the run…"));
    const heading = h("h1", {}, "Run");
    const back = h("a", { href: "#/agents", class: "btn-icon", "aria-label": "Back", title: "Back" }, icon("arrowLeft", 17));
    const element = h("div", { class: "page inspector" },
        h("div", { class: "page-head" }, h("div", { class: "page-head-title" }, back, h("div", {}, heading,
            h("p", { class: "page-lede mono" }, runID)))),
        body);
    let timer = null;

    async function load() {
        let run;
        try {
            run = await api("GET", `/v1/runs/${encodeURIComponent(runID)}`);
        } catch (error) {
            if (error.isAuth) return;
            body.replaceChildren(h("div", { class: "notice error", role: "alert" }, icon("alert", 16),
                error.status === 404 ? "There is no such run." : `Could not load the run: ${error.message}`));
            return;
        }
        render(run);
        // A run still going is read again until it ends.
        if (run.status === "running" || run.status === "queued" || run.status === "cancelling") {
            timer = setTimeout(load, 1500);
        }
    }

    function render(run) {
        if (run.conversation_id && run.agent_id) {
            back.href = `#/agents/${encodeURIComponent(run.agent_id)}/chat/${encodeURIComponent(run.conversation_id)}`;
            back.setAttribute("aria-label", "Back to the conversation");
            back.title = "Back to the conversation";
        }
        heading.replaceChildren("Run ", h("span", { class: `badge status-${run.status}` }, run.status));
        const steps = run.steps || [];
        const total = Math.max(run.duration_seconds || 0,
            ...steps.map((step) => (step.start_seconds || 0) + (step.duration_seconds || 0)), 0.001);
        const usage = run.usage || {};
        const reused = reusedTokens(usage);
        const modelSteps = steps.filter((step) => step.kind === "model");
        const toolSteps = steps.filter((step) => step.kind === "tool");
        const firstToken = modelSteps.find((step) => step.first_token_seconds != null);

        const summary = h("dl", { class: "stat-grid" },
            stat("Duration", formatSeconds(run.duration_seconds ?? total)),
            stat("Steps", String(steps.length), ` ${modelSteps.length} model · ${toolSteps.length} tool`),
            stat("Prompt tokens", tokens(usage.prompt_tokens), reused != null ? ` ${tokens(reused)} reused` : null),
            stat("Completion tokens", tokens(usage.completion_tokens)),
            stat("Total tokens", tokens(usage.total_tokens)),
            stat("First token", firstToken ? formatSeconds(firstToken.first_token_seconds) : "—"),
            stat("Version", run.version == null ? "draft" : `v${run.version}`),
            stat("Started", h("span", { title: fullTime(run.created_at) },
                run.created_at ? new Date(run.created_at * 1000).toLocaleTimeString() : "—")));

        const scale = h("div", { class: "timeline-scale", "aria-hidden": "true" },
            [0, 0.25, 0.5, 0.75, 1].map((fraction) =>
                h("span", { style: `left:${fraction * 100}%` }, formatSeconds(total * fraction))));

        const timeline = h("ol", { class: "timeline", "aria-label": "Steps" }, steps.map((step) => stepRow(step, total)));

        const parts = [
            summary,
            run.error ? h("div", { class: "notice error", role: "alert" }, icon("alert", 16),
                typeof run.error === "string" ? run.error : run.error.message || JSON.stringify(run.error)) : null,
            run.limit_hit ? h("div", { class: "notice warn" }, icon("alert", 16),
                `Stopped at a limit: ${String(run.limit_hit).replace(/_/g, " ")}.`) : null,
            h("section", { class: "card", "aria-labelledby": "timeline-title" },
                h("div", { class: "section-head row" }, h("h2", { id: "timeline-title" }, "Timeline"),
                    h("div", { class: "legend", "aria-hidden": "true" },
                        h("span", { class: "legend-model" }, "model"), h("span", { class: "legend-tool" }, "tool"),
                        h("span", { class: "legend-ttft" }, "first token"))),
                h("div", { class: "timeline-head", "aria-hidden": "true" },
                    h("span", {}, "Step"), h("span", {}, "Start"), scale, h("span", {}, "Duration"), h("span", {}, "Tokens")),
                steps.length > 0 ? timeline : h("p", { class: "muted" }, "No steps were recorded.")),
            h("div", { class: "two-up" },
                h("section", { class: "card", "aria-labelledby": "input-title" },
                    h("h2", { id: "input-title" }, "Input"), h("div", { class: "prewrap" }, run.input || "")),
                h("section", { class: "card", "aria-labelledby": "answer-title" },
                    h("h2", { id: "answer-title" }, "Answer"),
                    h("div", { class: "markdown", html: renderMarkdown(run.answer || "") }))),
        ];
        body.replaceChildren(...parts.filter(Boolean));
    }

    function stepRow(step, total) {
        const start = step.start_seconds || 0;
        const duration = step.duration_seconds || 0;
        const isModel = step.kind === "model";
        const label = isModel ? `Model · round ${step.round ?? 0}` : `Tool · ${step.tool || "?"}`;
        const usage = step.usage || {};
        const reused = reusedTokens(usage);
        const bar = h("div", { class: "bar-track" },
            h("div", {
                class: `bar bar-${isModel ? "model" : "tool"}${step.output && step.output.is_error ? " bar-error" : ""}`,
                style: `left:${(start / total) * 100}%;width:${Math.max((duration / total) * 100, 0.6)}%`,
            }),
            isModel && step.first_token_seconds != null
                ? h("div", { class: "ttft-mark", style: `left:${((start + step.first_token_seconds) / total) * 100}%` })
                : null);
        const tokenText = isModel
            ? [`${tokens(usage.prompt_tokens)} in`, reused != null ? `${tokens(reused)} reused` : null,
                `${tokens(usage.completion_tokens)} out`].filter(Boolean).join(" · ")
            : "";
        return h("li", { class: "step" },
            h("details", {},
                h("summary", {},
                    h("span", { class: "step-label" },
                        h("span", { class: `step-icon ${isModel ? "model" : "tool"}` }, icon(isModel ? "sparkle" : "tool", 14)),
                        h("span", {}, label)),
                    h("span", { class: "step-start mono" }, h("span", { class: "visually-hidden" }, "starts at "),
                        `+${formatSeconds(start)}`),
                    bar,
                    h("span", { class: "step-duration mono" }, h("span", { class: "visually-hidden" }, "takes "),
                        formatSeconds(duration)),
                    h("span", { class: "step-tokens small" }, h("span", {}, tokenText),
                        isModel && step.first_token_seconds != null
                            ? h("span", { class: "muted" }, `TTFT ${formatSeconds(step.first_token_seconds)}`) : null)),
                h("div", { class: "step-content" }, stepContent(step))));
    }

    function stepContent(step) {
        const parts = [];
        if (step.kind === "model") {
            if (step.reasoning) parts.push(block("Reasoning", h("pre", { class: "output" }, step.reasoning)));
            if (step.text) parts.push(block("Text", h("pre", { class: "output" }, step.text)));
            if (step.malformed && step.malformed.length > 0) {
                parts.push(block("Unparsed tool calls", h("pre", { class: "output error" }, step.malformed.join("\n\n"))));
            }
            if (step.tool_calls && step.tool_calls.length > 0) {
                parts.push(block("Tool calls", h("pre", { class: "code" }, h("code", { html: highlightJSON(step.tool_calls) }))));
            }
            const facts = [step.finish_reason ? `finish: ${step.finish_reason}` : null,
                step.usage ? `usage: ${JSON.stringify(step.usage)}` : null].filter(Boolean);
            if (facts.length > 0) parts.push(h("p", { class: "muted small mono" }, facts.join("  ·  ")));
        } else {
            const args = step.arguments;
            if (step.tool === "python" && args && typeof args.code === "string") {
                parts.push(block("Code", h("pre", { class: "code" }, h("code", { html: highlightPython(args.code) }))));
            } else if (args !== undefined) {
                parts.push(block("Arguments", h("pre", { class: "code" }, h("code", { html: highlightJSON(args) }))));
            }
            const output = step.output || {};
            parts.push(block(output.is_error ? "Error" : "Output",
                h("pre", { class: `output${output.is_error ? " error" : ""}` }, output.text || "(no output)")));
            if ((output.artifacts || []).length > 0) {
                parts.push(block("Files", h("ul", { class: "plain-list" }, output.artifacts.map((artifact) =>
                    h("li", {}, icon("file", 14), `${artifact.name} (${artifact.mime_type || "file"})`)))));
            }
            if ((output.citations || []).length > 0) {
                parts.push(block("Sources", h("ul", { class: "plain-list" }, output.citations.map((source) =>
                    h("li", {}, `【${source.id}】 `, /^https?:/.test(source.url)
                        ? h("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, source.title || source.url)
                        : source.title || source.url)))));
            }
        }
        if (parts.length === 0) parts.push(h("p", { class: "muted" }, "Nothing recorded for this step."));
        return parts;
    }

    function block(title, content) {
        return h("div", { class: "tool-section" }, h("div", { class: "tool-section-title" }, title), content);
    }

    load();
    return { element, title: `Run ${runID}`, dispose: () => clearTimeout(timer) };
}
