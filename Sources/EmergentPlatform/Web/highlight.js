// Syntax colouring for the code a tool call carries: Python (keywords, strings, numbers, comments, names) and JSON.
// Every piece of source text is escaped before it is wrapped in a span.

import { escapeHTML } from "./dom.js";

const PYTHON_KEYWORDS = new Set(
    ("False None True and as assert async await break class continue def del elif else except finally for from " +
        "global if import in is lambda nonlocal not or pass raise return try while with yield match case").split(" "));

const PYTHON_BUILTINS = new Set(
    ("abs all any bin bool bytes callable chr dict dir divmod enumerate eval exec filter float format frozenset " +
        "getattr hasattr hash hex id input int isinstance issubclass iter len list map max min next object oct open " +
        "ord pow print range repr reversed round set setattr slice sorted str sum super tuple type vars zip self " +
        "Exception ValueError TypeError KeyError IndexError RuntimeError").split(" "));

const PYTHON_TOKEN = new RegExp(
    [
        /(?<comment>#[^\n]*)/.source,
        /(?<string>[rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?))/
            .source,
        /(?<number>\b(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?j?)|\.\d+(?:[eE][+-]?\d+)?j?)/
            .source,
        /(?<decorator>^[ \t]*@[\w.]+)/.source,
        /(?<name>[A-Za-z_]\w*)/.source,
    ].join("|"),
    "gm");

function span(kind, text) {
    return `<span class="tok-${kind}">${escapeHTML(text)}</span>`;
}

/** Python source → HTML with `tok-*` spans. */
export function highlightPython(code) {
    let html = "";
    let last = 0;
    let previousName = "";
    PYTHON_TOKEN.lastIndex = 0;
    for (const match of code.matchAll(PYTHON_TOKEN)) {
        html += escapeHTML(code.slice(last, match.index));
        last = match.index + match[0].length;
        const groups = match.groups;
        if (groups.comment) html += span("comment", groups.comment);
        else if (groups.string) html += span("string", groups.string);
        else if (groups.number) html += span("number", groups.number);
        else if (groups.decorator) html += span("decorator", groups.decorator);
        else if (groups.name) {
            const name = groups.name;
            if (PYTHON_KEYWORDS.has(name)) html += span("keyword", name);
            else if (previousName === "def" || previousName === "class") html += span("function", name);
            else if (PYTHON_BUILTINS.has(name)) html += span("builtin", name);
            else if (/^\s*\(/.test(code.slice(last, last + 8))) html += span("call", name);
            else html += escapeHTML(name);
            previousName = name;
            continue;
        }
        previousName = "";
    }
    return html + escapeHTML(code.slice(last));
}

const JSON_TOKEN = /(?<key>"(?:[^"\\]|\\.)*"(?=\s*:))|(?<string>"(?:[^"\\]|\\.)*")|(?<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?<literal>\btrue\b|\bfalse\b|\bnull\b)/g;

/** A JSON value (or JSON text) → pretty-printed HTML with `tok-*` spans. */
export function highlightJSON(value) {
    let text = value;
    if (typeof value !== "string") text = JSON.stringify(value, null, 2);
    else {
        try {
            text = JSON.stringify(JSON.parse(value), null, 2);
        } catch {
            return escapeHTML(value);
        }
    }
    let html = "";
    let last = 0;
    for (const match of text.matchAll(JSON_TOKEN)) {
        html += escapeHTML(text.slice(last, match.index));
        last = match.index + match[0].length;
        const kind = Object.keys(match.groups).find((name) => match.groups[name] !== undefined);
        html += span(kind, match[0]);
    }
    return html + escapeHTML(text.slice(last));
}

/** Colours code by language name, as Markdown code fences name it. */
export function highlight(code, language) {
    const name = (language || "").toLowerCase();
    if (name === "python" || name === "py") return highlightPython(code);
    if (name === "json") return highlightJSON(code);
    return escapeHTML(code);
}
