// A small, safe Markdown renderer for answers: paragraphs, headings, fenced code, inline code, bold, italics, lists,
// block quotes, tables, links and the agent's citations 【id†title】. All text is escaped; only markup built here
// reaches the page, and links keep to http(s), mailto and in-page addresses.

import { escapeHTML } from "./dom.js";
import { highlight } from "./highlight.js";

/**
 * Citations of one answer: `lookup(id)` gives {title, url, quote} when known; numbers follow first appearance.
 */
export class CitationNumbers {
    constructor(lookup) {
        this.lookup = lookup;
        this.numbers = new Map();
    }

    number(id) {
        if (!this.numbers.has(id)) this.numbers.set(id, this.numbers.size + 1);
        return this.numbers.get(id);
    }

    /** The cited sources in number order: [{n, id, title, url, quote}]. */
    list() {
        return [...this.numbers.entries()].map(([id, n]) => ({ n, id, ...(this.lookup(id) || {}) }));
    }
}

/** Markdown text → HTML. `citations` is a CitationNumbers (or null to show citations as plain text). */
export function renderMarkdown(text, citations = null) {
    return renderBlocks(String(text ?? "").replace(/\r\n?/g, "\n").split("\n"), citations);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function startsBlock(line, next) {
    return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || LIST_ITEM.test(line) || QUOTE.test(line) ||
        (line.includes("|") && next !== undefined && TABLE_DIVIDER.test(next));
}

function renderBlocks(lines, citations) {
    let html = "";
    let index = 0;
    while (index < lines.length) {
        const line = lines[index];
        if (line.trim() === "") {
            index += 1;
            continue;
        }
        let match;
        if ((match = FENCE.exec(line))) {
            const fence = match[1];
            const language = match[2];
            const body = [];
            index += 1;
            while (index < lines.length && !lines[index].trim().startsWith(fence)) body.push(lines[index++]);
            index += 1; // the closing fence (an unclosed fence while streaming runs to the end)
            html += codeBlock(body.join("\n"), language);
        } else if ((match = HEADING.exec(line))) {
            const level = Math.min(match[1].length + 2, 6); // answers sit under the page's own headings
            html += `<h${level}>${inline(match[2], citations)}</h${level}>`;
            index += 1;
        } else if (RULE.test(line)) {
            html += "<hr>";
            index += 1;
        } else if (QUOTE.test(line)) {
            const body = [];
            while (index < lines.length && (match = QUOTE.exec(lines[index]))) {
                body.push(match[1]);
                index += 1;
            }
            html += `<blockquote>${renderBlocks(body, citations)}</blockquote>`;
        } else if (LIST_ITEM.test(line)) {
            const block = [];
            const indent = LIST_ITEM.exec(line)[1].length;
            while (index < lines.length) {
                const current = lines[index];
                if (current.trim() === "") {
                    const next = lines[index + 1];
                    if (next !== undefined && (leadingSpaces(next) > indent || isItemAt(next, indent))) {
                        block.push(current);
                        index += 1;
                        continue;
                    }
                    break;
                }
                if (block.length > 0 && leadingSpaces(current) <= indent && !isItemAt(current, indent)) {
                    if (startsBlock(current, lines[index + 1]) || leadingSpaces(current) < indent) break;
                    if (lines[index - 1].trim() === "") break;
                }
                block.push(current);
                index += 1;
            }
            html += list(block, indent, citations);
        } else if (line.includes("|") && index + 1 < lines.length && TABLE_DIVIDER.test(lines[index + 1])) {
            const rows = [line];
            index += 2;
            while (index < lines.length && lines[index].includes("|") && lines[index].trim() !== "") {
                rows.push(lines[index++]);
            }
            html += table(rows, citations);
        } else {
            const body = [line];
            index += 1;
            while (index < lines.length && lines[index].trim() !== "" && !startsBlock(lines[index], lines[index + 1])) {
                body.push(lines[index++]);
            }
            html += `<p>${body.map((part) => inline(part.trim(), citations)).join("<br>")}</p>`;
        }
    }
    return html;
}

function leadingSpaces(line) {
    return line.length - line.trimStart().length;
}

function isItemAt(line, indent) {
    const match = LIST_ITEM.exec(line);
    return match !== null && match[1].length === indent;
}

function list(lines, indent, citations) {
    const ordered = /^\d/.test(LIST_ITEM.exec(lines[0])[2]);
    const start = ordered ? parseInt(LIST_ITEM.exec(lines[0])[2], 10) : 1;
    const items = [];
    for (const line of lines) {
        const match = LIST_ITEM.exec(line);
        if (match && match[1].length === indent) items.push([match[3]]);
        else items[items.length - 1].push(line.slice(Math.min(leadingSpaces(line), indent + 2)));
    }
    const body = items.map((itemLines) => {
        const [first, ...rest] = itemLines;
        const nested = rest.some((part) => part.trim() !== "") ? renderBlocks(rest, citations) : "";
        return `<li>${inline(first, citations)}${nested}</li>`;
    });
    const tag = ordered ? "ol" : "ul";
    const startAttribute = ordered && start !== 1 ? ` start="${start}"` : "";
    return `<${tag}${startAttribute}>${body.join("")}</${tag}>`;
}

function cells(row) {
    let text = row.trim();
    if (text.startsWith("|")) text = text.slice(1);
    if (text.endsWith("|")) text = text.slice(0, -1);
    return text.split("|").map((cell) => cell.trim());
}

function table(rows, citations) {
    const [head, ...body] = rows;
    const headHTML = cells(head).map((cell) => `<th scope="col">${inline(cell, citations)}</th>`).join("");
    const bodyHTML = body
        .map((row) => `<tr>${cells(row).map((cell) => `<td>${inline(cell, citations)}</td>`).join("")}</tr>`)
        .join("");
    return `<div class="table-wrap"><table><thead><tr>${headHTML}</tr></thead><tbody>${bodyHTML}</tbody></table></div>`;
}

/** A fenced code block with its language and a copy button (the chat view handles the click). */
export function codeBlock(code, language) {
    const label = language ? escapeHTML(language) : "code";
    return `<div class="code-block"><div class="code-head"><span>${label}</span>` +
        `<button type="button" class="copy-code" aria-label="Copy code">Copy</button></div>` +
        `<pre><code>${highlight(code, language)}</code></pre></div>`;
}

function unescapeHTML(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&");
}

function safeURL(url) {
    const decoded = url.replace(/&amp;/g, "&");
    if (/^(https?:|mailto:)/i.test(decoded) || /^[#/]/.test(decoded)) return url;
    return null;
}

/** Inline Markdown of one line → HTML. Built pieces are set aside while later patterns run over the text. */
function inline(text, citations) {
    const stash = [];
    const keep = (html) => `\u0000${stash.push(html) - 1}\u0000`;
    let out = "";
    // Code spans first: nothing inside them is Markdown.
    const parts = String(text).split(/(`+[^`]*?`+)/);
    for (const part of parts) {
        const code = /^(`+)([\s\S]*?)\1$/.exec(part);
        if (code && part.length > 1) out += keep(`<code>${escapeHTML(code[2].trim() || code[2])}</code>`);
        else out += escapeHTML(part);
    }
    out = out.replace(/【([^†】\s]{1,40})(?:†([^】]*))?】/g, (whole, id, title) =>
        keep(citation(id, title, citations) ?? whole));
    out = out.replace(/!?\[([^\]]+)\]\(([^)\s]+?)(?:\s+&quot;[^&]*?&quot;)?\)/g, (whole, label, url) => {
        const safe = safeURL(url);
        if (!safe) return whole;
        return keep(`<a href="${safe}" target="_blank" rel="noopener noreferrer">`) + label + keep("</a>");
    });
    out = out.replace(/\bhttps?:\/\/[^\s<>()\u0000]+[^\s<>()\u0000.,;:!?'"]/g, (url) =>
        keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`));
    out = out
        .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
        .replace(/__(?=\S)([\s\S]*?\S)__/g, "<strong>$1</strong>")
        .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])/g, "$1<em>$2</em>")
        .replace(/(^|[^_\w])_(?=[^\s_])([^_]*?[^\s_])_(?![_\w])/g, "$1<em>$2</em>")
        .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
    return out.replace(/\u0000(\d+)\u0000/g, (_, n) => stash[Number(n)]).replace(/\u0000(\d+)\u0000/g,
        (_, n) => stash[Number(n)]);
}

function citation(id, shownTitle, citations) {
    if (!citations) return null;
    const source = citations.lookup(id) || {};
    const n = citations.number(id);
    shownTitle = unescapeHTML(shownTitle || "");
    const title = source.quote ? `${source.title || shownTitle || ""} — “${source.quote}”` : source.title || shownTitle || id;
    const url = source.url || "";
    if (/^https?:\/\//i.test(url)) {
        return `<a class="cite" href="${escapeHTML(url)}" target="_blank" rel="noopener noreferrer" ` +
            `title="${escapeHTML(title)}" aria-label="Source ${n}: ${escapeHTML(title)}">${n}</a>`;
    }
    return `<span class="cite" tabindex="0" title="${escapeHTML(title)}${url ? ` (${escapeHTML(url)})` : ""}" ` +
        `aria-label="Source ${n}: ${escapeHTML(title)}">${n}</span>`;
}
