// The full-page chat of an agent's published version: its conversations in a sidebar, the chat beside them.

import { api } from "./api.js";
import { initials } from "./agents.js";
import { ChatView } from "./chat.js";
import { fullTime, h, icon, openDialog, relativeTime, toast } from "./dom.js";

export function chatPage({ agentID, conversationID }) {
    let agent = null;
    let current = conversationID || null;
    let conversations = [];

    const list = h("ul", { class: "conversation-list" });
    const sidebarToggle = h("button", {
        type: "button", class: "btn-icon sidebar-toggle", "aria-label": "Conversations", title: "Conversations",
        "aria-expanded": "false", "aria-controls": "conversation-sidebar",
        onclick: () => setSidebar(!element.classList.contains("sidebar-open")),
    }, icon("menu", 18));
    const sidebar = h("nav", { class: "chat-sidebar", id: "conversation-sidebar", "aria-label": "Conversations" },
        h("div", { class: "sidebar-head" },
            h("a", { class: "btn btn-primary btn-block", href: `#/agents/${encodeURIComponent(agentID)}/chat`,
                id: "new-conversation", onclick: () => setSidebar(false) }, icon("plus", 16), "New conversation")),
        h("h2", { class: "sidebar-title" }, "Recent"),
        list);
    const agentName = h("h1", { class: "chat-title" }, "…");
    const agentMeta = h("span", { class: "muted small" });
    const avatar = h("div", { class: "agent-avatar small", "aria-hidden": "true" }, "");
    const chat = new ChatView({
        agentID, label: "Chat",
        intro: () => ({
            name: agent ? agent.name : "",
            welcome: agent && agent.definition ? agent.definition.welcome : "",
            prompts: agent && agent.definition ? agent.definition.suggested_prompts : [],
        }),
        onConversation: (id) => {
            current = id;
            history.replaceState(null, "", `#/agents/${encodeURIComponent(agentID)}/chat/${encodeURIComponent(id)}`);
            loadList();
        },
    });
    const main = h("div", { class: "chat-main" },
        h("div", { class: "chat-page-head" }, sidebarToggle, avatar,
            h("div", { class: "chat-heading" }, agentName, agentMeta),
            h("a", { class: "btn btn-sm", href: `#/agents/${encodeURIComponent(agentID)}/build` }, icon("edit", 15), "Edit agent")),
        chat.element);
    const scrim = h("div", { class: "scrim", onclick: () => setSidebar(false) });
    const element = h("div", { class: "chat-page" }, sidebar, scrim, main);
    element.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && element.classList.contains("sidebar-open")) setSidebar(false);
    });

    function setSidebar(open) {
        element.classList.toggle("sidebar-open", open);
        sidebarToggle.setAttribute("aria-expanded", String(open));
        if (open) list.querySelector("a")?.focus();
    }

    function renderList() {
        if (conversations.length === 0) {
            list.replaceChildren(h("li", { class: "muted small empty-line" }, "No conversations yet."));
            return;
        }
        list.replaceChildren(...conversations.map((conversation) => {
            const href = `#/agents/${encodeURIComponent(agentID)}/chat/${encodeURIComponent(conversation.id)}`;
            return h("li", { class: conversation.id === current ? "current" : "" },
                h("a", { href, "aria-current": conversation.id === current ? "page" : null, onclick: () => setSidebar(false) },
                    h("span", { class: "conversation-title" }, conversation.title || "Untitled"),
                    h("span", { class: "muted small", title: fullTime(conversation.updated_at) },
                        relativeTime(conversation.updated_at))),
                h("button", {
                    type: "button", class: "btn-icon danger", "aria-label": `Delete “${conversation.title || "Untitled"}”`,
                    title: "Delete", onclick: () => remove(conversation),
                }, icon("trash", 15)));
        }));
    }

    async function loadList() {
        try {
            const result = await api("GET", `/v1/agents/${encodeURIComponent(agentID)}/conversations`);
            conversations = result.data || [];
            renderList();
        } catch (error) {
            if (!error.isAuth) list.replaceChildren(h("li", { class: "muted small" }, `Could not list: ${error.message}`));
        }
    }

    async function remove(conversation) {
        const confirmed = await openDialog({
            title: "Delete this conversation?",
            body: h("p", {}, `“${conversation.title || "Untitled"}” and its runs are deleted.`),
            actions: [{ label: "Cancel", value: false }, { label: "Delete", value: true, kind: "danger" }],
        });
        if (!confirmed) return;
        try {
            await api("DELETE", `/v1/conversations/${encodeURIComponent(conversation.id)}`);
            toast("Conversation deleted");
            if (conversation.id === current) location.hash = `#/agents/${encodeURIComponent(agentID)}/chat`;
            loadList();
        } catch (error) {
            if (!error.isAuth) toast(`Could not delete: ${error.message}`, "error");
        }
    }

    async function show(id) {
        current = id || null;
        renderList();
        if (!id) {
            chat.reset();
            chat.focus();
            return;
        }
        try {
            await chat.loadConversation(id);
        } catch (error) {
            if (!error.isAuth) toast(`Could not open the conversation: ${error.message}`, "error");
        }
    }

    async function load() {
        try {
            agent = await api("GET", `/v1/agents/${encodeURIComponent(agentID)}`);
        } catch (error) {
            if (error.isAuth) return;
            main.replaceChildren(h("div", { class: "page" }, h("div", { class: "notice error", role: "alert" },
                icon("alert", 16), error.status === 404 ? "There is no such agent." : `Could not load the agent: ${error.message}`)));
            return;
        }
        agentName.textContent = agent.name;
        avatar.textContent = initials(agent.name);
        agentMeta.textContent = agent.published_version ? `Published v${agent.published_version}` : "Not published";
        document.title = `${agent.name} · Emergent`;
        chat.showEmpty();
        loadList();
        await show(current);
    }

    load();
    return {
        element,
        title: "Chat",
        dispose: () => chat.dispose(),
        route: (next) => {
            if (next.agentID !== agentID || next.conversationID === current) return next.agentID === agentID;
            show(next.conversationID);
            return true;
        },
    };
}
