// Small DOM helpers shared by every view: element creation, icons, toasts, dialogs, formatting.

/** Creates an element: h("button", {class: "btn", onclick: fn, "aria-label": "Close"}, "text", child…). */
export function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
        if (value === undefined || value === null || value === false) continue;
        if (name.startsWith("on") && typeof value === "function") {
            element.addEventListener(name.slice(2), value);
        } else if (name === "class") {
            element.className = value;
        } else if (name === "dataset") {
            Object.assign(element.dataset, value);
        } else if (name === "html") {
            element.innerHTML = value; // only ever given markup this app built from escaped text
        } else if (name === "value" || name === "checked" || name === "selected" || name === "open") {
            element[name] = value;
        } else {
            element.setAttribute(name, value === true ? "" : String(value));
        }
    }
    append(element, children);
    return element;
}

function append(element, children) {
    for (const child of children) {
        if (child === undefined || child === null || child === false) continue;
        if (Array.isArray(child)) append(element, child);
        else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
}

/** Escapes text for use inside HTML markup (element content and quoted attributes). */
export function escapeHTML(text) {
    return String(text ?? "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
}

const ICONS = {
    plus: '<path d="M12 5v14M5 12h14"/>',
    copy: '<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V6a2 2 0 0 1 2-2h9"/>',
    trash: '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3"/>',
    chat: '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/>',
    edit: '<path d="M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16v4z"/><path d="M13.5 6.5l4 4"/>',
    send: '<path d="M12 19V5M6 11l6-6 6 6"/>',
    stop: '<rect x="7" y="7" width="10" height="10" rx="1.5"/>',
    clip: '<path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/>',
    x: '<path d="M6 6l12 12M18 6L6 18"/>',
    code: '<path d="M8 8l-4 4 4 4M16 8l4 4-4 4M13.5 5l-3 14"/>',
    globe: '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>',
    book: '<path d="M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2V5z"/><path d="M19 19v2H6"/>',
    bolt: '<path d="M13 3L5 14h6l-1 7 8-11h-6l1-7z"/>',
    plug: '<path d="M9 3v5M15 3v5M7 8h10v3a5 5 0 0 1-10 0V8zM12 16v5"/>',
    server: '<rect x="4" y="4" width="16" height="7" rx="2"/><rect x="4" y="13" width="16" height="7" rx="2"/><path d="M8 7.5h.01M8 16.5h.01"/>',
    image: '<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/><path d="M21 16l-5-5-9 9"/>',
    tool: '<path d="M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 0 0 5.4-5.4l-2.5 2.5-2.5-.5-.5-2.5 2.5-2.5z"/>',
    search: '<circle cx="11" cy="11" r="7"/><path d="M20 20l-3.5-3.5"/>',
    upload: '<path d="M12 16V4M7 9l5-5 5 5M5 20h14"/>',
    download: '<path d="M12 4v12M7 11l5 5 5-5M5 20h14"/>',
    key: '<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M17 6l3 3M15 8l2 2"/>',
    logout: '<path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11"/>',
    timeline: '<path d="M4 6h10M4 12h16M4 18h7"/>',
    menu: '<path d="M4 6h16M4 12h16M4 18h16"/>',
    check: '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    alert: '<path d="M12 3l10 18H2L12 3z"/><path d="M12 10v5M12 18h.01"/>',
    sparkle: '<path d="M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8L12 3zM19 16l.8 2.2L22 19l-2.2.8L19 22l-.8-2.2L16 19l2.2-.8L19 16z"/>',
    arrowLeft: '<path d="M19 12H5M11 6l-6 6 6 6"/>',
    refresh: '<path d="M20 11a8 8 0 0 0-14.9-3.9M4 4v4h4M4 13a8 8 0 0 0 14.9 3.9M20 20v-4h-4"/>',
    file: '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5z"/><path d="M14 3v5h5"/>',
    rocket: '<path d="M5 15c-1.5 1.5-2 5-2 5s3.5-.5 5-2M9 15l-3-3c1.5-5 5.5-9 13-9 0 7.5-4 11.5-9 13l-1-1z"/><circle cx="14.5" cy="9.5" r="1.5"/>',
    save: '<path d="M5 3h11l3 3v13a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V3z"/><path d="M8 3v5h7V3M8 21v-7h8v7"/>',
};

/** An inline SVG icon, hidden from assistive technology (the control carrying it has the label). */
export function icon(name, size = 18) {
    const span = document.createElement("span");
    span.className = "icon";
    span.setAttribute("aria-hidden", "true");
    span.innerHTML =
        `<svg width="${size}" height="${size}" viewBox="0 0 24 24" fill="none" stroke="currentColor" ` +
        `stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${ICONS[name] || ICONS.tool}</svg>`;
    return span;
}

/** Shows a short notice in the polite live region at the bottom of the page. */
export function toast(message, kind = "info") {
    const region = document.getElementById("toasts");
    if (!region) return;
    const item = h("div", { class: `toast toast-${kind}` }, icon(kind === "error" ? "alert" : "check", 16), message);
    region.append(item);
    setTimeout(() => item.classList.add("leaving"), kind === "error" ? 6000 : 2200);
    setTimeout(() => item.remove(), kind === "error" ? 6400 : 2600);
}

/**
 * A modal dialog (native <dialog>: Escape closes it, focus is trapped and restored).
 * `actions` is a list of {label, value, kind}; resolves with the chosen value, or null when dismissed.
 * `initialFocus` is an action's index or an element of the body; the last action by default.
 */
export function openDialog({ title, body, actions, initialFocus }) {
    return new Promise((resolve) => {
        const previous = document.activeElement;
        const titleID = `dialog-title-${Math.random().toString(36).slice(2, 8)}`;
        const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleID });
        const buttons = actions.map((action) =>
            h("button", {
                type: "button",
                class: `btn ${action.kind ? `btn-${action.kind}` : ""}`,
                onclick: () => dialog.close(action.value),
            }, action.label));
        dialog.append(
            h("h2", { id: titleID, class: "dialog-title" }, title),
            h("div", { class: "dialog-body" }, body),
            h("div", { class: "dialog-actions" }, buttons));
        dialog.addEventListener("close", () => {
            const value = dialog.returnValue;
            dialog.remove();
            if (previous && previous.focus) previous.focus();
            const chosen = actions.find((action) => String(action.value) === value);
            resolve(chosen ? chosen.value : null);
        });
        dialog.addEventListener("click", (event) => {
            if (event.target === dialog) dialog.close(""); // a click on the backdrop dismisses it
        });
        document.body.append(dialog);
        dialog.returnValue = "";
        dialog.showModal();
        const focusTarget = initialFocus instanceof Element ? initialFocus
            : initialFocus === undefined ? buttons[buttons.length - 1] : buttons[initialFocus];
        if (focusTarget) focusTarget.focus();
    });
}

/** Copies text to the clipboard, falling back to a hidden textarea where the async API is unavailable. */
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
    } catch {
        const area = h("textarea", { class: "visually-hidden", "aria-hidden": "true" });
        area.value = text;
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
    }
    toast("Copied to the clipboard");
}

/** "3 min ago", "yesterday", or a date, for a Unix time in seconds. */
export function relativeTime(seconds) {
    if (!seconds) return "—";
    const delta = Date.now() / 1000 - seconds;
    if (delta < 45) return "just now";
    if (delta < 3600) return `${Math.round(delta / 60)} min ago`;
    if (delta < 86400) return `${Math.round(delta / 3600)} h ago`;
    if (delta < 172800) return "yesterday";
    if (delta < 7 * 86400) return `${Math.round(delta / 86400)} days ago`;
    const date = new Date(seconds * 1000);
    const sameYear = date.getFullYear() === new Date().getFullYear();
    return date.toLocaleDateString(undefined, sameYear ? { month: "short", day: "numeric" } : { month: "short", year: "numeric" });
}

/** The full local date and time, for tooltips. */
export function fullTime(seconds) {
    return seconds ? new Date(seconds * 1000).toLocaleString() : "";
}

export function formatBytes(bytes) {
    if (bytes == null) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatSeconds(seconds) {
    if (seconds == null || Number.isNaN(seconds)) return "—";
    if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
    if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
    return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** Grows a textarea with its content, up to its CSS max-height. */
export function autoGrow(textarea) {
    const resize = () => {
        textarea.style.height = "auto";
        textarea.style.height = `${textarea.scrollHeight + 2}px`;
    };
    textarea.addEventListener("input", resize);
    requestAnimationFrame(resize);
    return resize;
}

/** A spinner for busy states, announced by the surrounding text rather than by itself. */
export function spinner() {
    return h("span", { class: "spinner", "aria-hidden": "true" });
}
