// The agents page: every agent as a card (name, description, published version, conversations, last update) with
// chat, edit, duplicate and delete; "New agent" opens the builder; a YAML file can be imported.

import { api, ApiError, postYAML } from "./api.js";
import { fullTime, h, icon, openDialog, relativeTime, toast } from "./dom.js";

export function agentsPage() {
    const grid = h("div", { class: "agent-grid", "aria-busy": "true" },
        [1, 2, 3].map(() => h("div", { class: "agent-card skeleton", "aria-hidden": "true" })));
    const filter = h("input", {
        type: "search", class: "input", placeholder: "Search agents", "aria-label": "Search agents",
    });
    const importInput = h("input", { type: "file", accept: ".yaml,.yml,.json", hidden: true, tabindex: -1 });
    const count = h("span", { class: "muted" });
    let agents = [];

    const element = h("div", { class: "page" },
        h("div", { class: "page-head" },
            h("div", {},
                h("h1", {}, "Agents"),
                h("p", { class: "page-lede" },
                    "Give a model instructions and tools, test it beside the form, then publish it behind an API.")),
            h("div", { class: "page-actions" },
                h("button", {
                    type: "button", class: "btn", onclick: () => importInput.click(),
                }, icon("upload", 16), "Import YAML"),
                importInput,
                h("a", { class: "btn btn-primary", href: "#/agents/new", id: "new-agent" }, icon("plus", 16),
                    "New agent"))),
        h("div", { class: "toolbar" }, filter, count),
        grid);

    function render() {
        const query = filter.value.trim().toLowerCase();
        const shown = agents.filter((agent) =>
            !query || `${agent.name} ${agent.description || ""}`.toLowerCase().includes(query));
        grid.removeAttribute("aria-busy");
        count.textContent = agents.length === 0 ? "" :
            `${shown.length} of ${agents.length} agent${agents.length === 1 ? "" : "s"}`;
        if (agents.length === 0) {
            grid.replaceChildren(h("div", { class: "empty-state" },
                h("div", { class: "empty-mark", "aria-hidden": "true" }, icon("sparkle", 26)),
                h("h2", {}, "No agents yet"),
                h("p", { class: "muted" }, "Create one from scratch, or import an agent YAML file."),
                h("a", { class: "btn btn-primary", href: "#/agents/new" }, icon("plus", 16), "New agent")));
            return;
        }
        if (shown.length === 0) {
            grid.replaceChildren(h("p", { class: "muted empty-line" }, `No agent matches “${filter.value}”.`));
            return;
        }
        grid.replaceChildren(...shown.map(card));
    }

    function card(agent) {
        const build = `#/agents/${encodeURIComponent(agent.id)}/build`;
        const tools = Object.keys((agent.definition && agent.definition.tools) || {});
        return h("article", { class: "agent-card", dataset: { agentId: agent.id } },
            h("div", { class: "agent-card-head" },
                h("div", { class: "agent-avatar", "aria-hidden": "true" }, initials(agent.name)),
                h("div", { class: "agent-title" },
                    h("h2", {}, h("a", { href: build, class: "agent-link" }, agent.name)),
                    h("span", { class: "muted small mono" }, agent.id))),
            h("p", { class: "agent-desc" }, agent.description || h("span", { class: "muted" }, "No description")),
            tools.length > 0
                ? h("ul", { class: "tag-list", "aria-label": "Tools" }, tools.map((tool) => h("li", { class: "tag" }, tool)))
                : null,
            h("dl", { class: "agent-meta" },
                h("div", {}, h("dt", {}, "Published"),
                    h("dd", {}, agent.published_version ? `v${agent.published_version}` : "—")),
                h("div", {}, h("dt", {}, "Conversations"), h("dd", {}, String(agent.conversation_count ?? 0))),
                h("div", {}, h("dt", {}, "Updated"),
                    h("dd", { title: fullTime(agent.updated_at) }, relativeTime(agent.updated_at)))),
            h("div", { class: "agent-actions" },
                h("a", { class: "btn btn-sm", href: `#/agents/${encodeURIComponent(agent.id)}/chat` },
                    icon("chat", 15), "Chat"),
                h("a", { class: "btn btn-sm", href: build }, icon("edit", 15), "Edit"),
                h("span", { class: "spacer" }),
                h("button", {
                    type: "button", class: "btn-icon", "aria-label": `Duplicate ${agent.name}`, title: "Duplicate",
                    onclick: () => duplicate(agent),
                }, icon("copy", 16)),
                h("button", {
                    type: "button", class: "btn-icon danger", "aria-label": `Delete ${agent.name}`, title: "Delete",
                    onclick: () => remove(agent),
                }, icon("trash", 16))));
    }

    async function load() {
        try {
            const list = await api("GET", "/v1/agents");
            agents = list.data || [];
            render();
        } catch (error) {
            if (error instanceof ApiError && error.isAuth) return;
            grid.removeAttribute("aria-busy");
            grid.replaceChildren(h("div", { class: "notice error", role: "alert" }, icon("alert", 16),
                `Could not load the agents: ${error.message}`,
                h("button", { type: "button", class: "btn btn-sm", onclick: load }, "Retry")));
        }
    }

    async function duplicate(agent) {
        try {
            const full = await api("GET", `/v1/agents/${encodeURIComponent(agent.id)}`);
            const definition = { ...full.definition, name: `${full.definition.name || full.name} (copy)` };
            const copy = await api("POST", "/v1/agents", definition);
            toast(`Created “${copy.name}”`);
            await load();
            document.querySelector(`[data-agent-id="${CSS.escape(copy.id)}"] .agent-link`)?.focus();
        } catch (error) {
            if (!error.isAuth) toast(`Could not duplicate: ${error.message}`, "error");
        }
    }

    async function remove(agent) {
        const confirmed = await openDialog({
            title: `Delete “${agent.name}”?`,
            body: h("p", {}, "The agent, its versions and its API keys are deleted. This cannot be undone."),
            actions: [{ label: "Cancel", value: false }, { label: "Delete", value: true, kind: "danger" }],
        });
        if (!confirmed) return;
        const path = `/v1/agents/${encodeURIComponent(agent.id)}`;
        try {
            await api("DELETE", path);
        } catch (error) {
            if (error.status !== 409 || error.code !== "agent_has_conversations") {
                if (!error.isAuth) toast(`Could not delete: ${error.message}`, "error");
                return;
            }
            const count = agent.conversation_count;
            const force = await openDialog({
                title: "It has conversations",
                body: h("div", {},
                    h("p", {}, `“${agent.name}” has ${count ? `${count} conversation${count === 1 ? "" : "s"}` :
                        "conversations"}. Deleting it also deletes them, with their messages and runs.`),
                    h("p", { class: "muted" }, "Uploaded files are kept.")),
                actions: [
                    { label: "Cancel", value: false },
                    { label: "Delete with its conversations", value: true, kind: "danger" },
                ],
            });
            if (!force) return;
            try {
                await api("DELETE", `${path}?force=true`);
            } catch (again) {
                if (!again.isAuth) toast(`Could not delete: ${again.message}`, "error");
                return;
            }
        }
        toast(`Deleted “${agent.name}”`);
        load();
    }

    importInput.addEventListener("change", async () => {
        const file = importInput.files[0];
        importInput.value = "";
        if (!file) return;
        try {
            const agent = await postYAML("/v1/agents", await file.text());
            toast(`Imported “${agent.name}”`);
            location.hash = `#/agents/${encodeURIComponent(agent.id)}/build`;
        } catch (error) {
            if (!error.isAuth) {
                openDialog({
                    title: `Could not import ${file.name}`,
                    body: h("pre", { class: "error-text" }, error.message),
                    actions: [{ label: "Close", value: true }],
                });
            }
        }
    });
    filter.addEventListener("input", render);
    load();
    return { element, title: "Agents" };
}

export function initials(name) {
    const words = String(name || "?").trim().split(/\s+/).filter(Boolean);
    return ((words[0] || "?")[0] + (words.length > 1 ? words[1][0] : "")).toUpperCase();
}
