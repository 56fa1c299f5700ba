// Emergent's web console: the key gate, the top bar and the hash router
// (#/agents, #/agents/new, #/agents/<id>/build, #/agents/<id>/api, #/agents/<id>/chat[/<conversation>], #/runs/<id>).

import { agentsPage } from "./agents.js";
import { api, forgetKey, setAuthFailureHandler, storedKey, storeKey } from "./api.js";
import { builderPage } from "./builder.js";
import { chatPage } from "./chatpage.js";
import { h, icon, openDialog } from "./dom.js";
import { runPage } from "./inspector.js";

const main = document.getElementById("app");
const signOutButton = document.getElementById("sign-out");
const navigation = document.getElementById("main-nav");

let page = null;
let route = null;
let shownHash = location.hash;
let skipGuard = false;

function parseRoute(hash) {
    const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map((part) => {
        try {
            return decodeURIComponent(part);
        } catch {
            return part;
        }
    });
    if (parts[0] === "agents" && parts[1] === "new") return { name: "builder", agentID: null, tab: "build" };
    if (parts[0] === "agents" && parts[1] && parts[2] === "chat") {
        return { name: "chat", agentID: parts[1], conversationID: parts[3] || null };
    }
    if (parts[0] === "agents" && parts[1]) {
        return { name: "builder", agentID: parts[1], tab: parts[2] === "api" ? "api" : "build" };
    }
    if (parts[0] === "runs" && parts[1]) return { name: "run", runID: parts[1] };
    return { name: "agents" };
}

function pageFor(next) {
    switch (next.name) {
        case "builder":
            return builderPage(next);
        case "chat":
            return chatPage(next);
        case "run":
            return runPage(next);
        default:
            return agentsPage();
    }
}

function render() {
    const next = parseRoute(location.hash);
    shownHash = location.hash;
    for (const link of navigation.querySelectorAll("a")) {
        if (next.name === link.dataset.section) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
    }
    // Moving within one page (a builder tab, another conversation) keeps the page and its state.
    if (page && route && route.name === next.name && page.route && page.route(next)) {
        route = next;
        return;
    }
    if (page && page.dispose) page.dispose();
    route = next;
    page = pageFor(next);
    main.replaceChildren(page.element);
    main.dataset.page = next.name;
    document.title = `${page.title} · Emergent`;
    window.scrollTo(0, 0);
    if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

window.addEventListener("hashchange", async () => {
    if (consumeFragmentKey()) {
        enter();
        return;
    }
    if (!storedKey()) return;
    if (!skipGuard && page && page.canLeave && !page.canLeave()) {
        const target = location.hash;
        history.replaceState(null, "", shownHash);
        const leave = await openDialog({
            title: "Leave without saving?",
            body: h("p", {}, "The agent has changes that are not saved."),
            actions: [{ label: "Stay", value: false }, { label: "Leave", value: true, kind: "danger" }],
            initialFocus: 0,
        });
        if (!leave) return;
        skipGuard = true;
        location.hash = target;
        return;
    }
    skipGuard = false;
    render();
});

window.addEventListener("beforeunload", (event) => {
    if (page && page.canLeave && !page.canLeave()) {
        event.preventDefault();
        event.returnValue = "";
    }
});

// MARK: the key gate

function showGate(message = "") {
    if (page && page.dispose) page.dispose();
    page = null;
    route = null;
    document.body.classList.add("gated");
    signOutButton.hidden = true;
    const input = h("input", { type: "password", id: "admin-key", class: "input", autocomplete: "current-password",
        placeholder: "emk-…", required: true, spellcheck: "false", "aria-describedby": "key-help key-error" });
    const error = h("p", { id: "key-error", class: "gate-error", role: "alert" }, message);
    error.hidden = !message;
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "sign-in" }, "Sign in");
    const form = h("form", {
        class: "gate-form",
        onsubmit: async (event) => {
            event.preventDefault();
            const key = input.value.trim();
            if (!key) {
                error.textContent = "Enter the admin key.";
                error.hidden = false;
                input.focus();
                return;
            }
            submit.disabled = true;
            submit.textContent = "Checking…";
            storeKey(key);
            try {
                await api("GET", "/v1/agents", undefined, { authFailureIsFatal: false });
                enter();
            } catch (failure) {
                forgetKey();
                error.textContent = rejection(failure);
                error.hidden = false;
                submit.disabled = false;
                submit.textContent = "Sign in";
                input.select();
            }
        },
    },
    // Password managers and assistive technology expect a user name beside a password; the console has one user.
    h("input", { type: "text", name: "username", autocomplete: "username", value: "admin", hidden: true }),
    h("label", { for: "admin-key" }, "Admin key"),
    input,
    error,
    h("p", { id: "key-help", class: "hint" }, h("code", {}, "emergent serve"), " prints it on first start (or set ",
        h("code", {}, "--admin-key"), "). It stays in this browser until you sign out."),
    submit);
    main.replaceChildren(h("div", { class: "gate" },
        h("div", { class: "gate-card card" },
            h("div", { class: "gate-mark", "aria-hidden": "true" }, icon("key", 22)),
            h("h1", {}, "Sign in to Emergent"),
            h("p", { class: "muted" }, "The console needs the server's admin key."),
            form)));
    document.title = "Sign in · Emergent";
    input.focus();
}

function rejection(error) {
    if (error.status === 401) return `The server did not accept this key (401: ${error.message}). Check it and try again.`;
    if (error.status === 403) return `This is not the admin key (403). ${error.message}`;
    return `Could not check the key: ${error.message}`;
}

function enter() {
    document.body.classList.remove("gated");
    signOutButton.hidden = false;
    if (!location.hash || location.hash === "#") history.replaceState(null, "", "#/agents");
    render();
}

setAuthFailureHandler((error) => {
    forgetKey();
    showGate(rejection(error));
});

signOutButton.addEventListener("click", () => {
    forgetKey();
    history.replaceState(null, "", "#/agents");
    showGate("");
});

/** `#key=…` (the address `emergent serve` prints) signs in and is removed from the address bar at once. */
function consumeFragmentKey() {
    const match = /^#key=([^&]*)/.exec(location.hash);
    if (!match) return false;
    try {
        storeKey(decodeURIComponent(match[1]));
    } catch {
        storeKey(match[1]);
    }
    history.replaceState(null, "", `${location.pathname}${location.search}#/agents`);
    return true;
}

consumeFragmentKey();
if (storedKey()) enter();
else showGate();
