// The platform's HTTP API as the UI uses it: the admin key, JSON requests, uploads and run streams (SSE).

const KEY_STORAGE = "emergent.key";

export function storedKey() {
    try {
        return localStorage.getItem(KEY_STORAGE) || "";
    } catch {
        return "";
    }
}

export function storeKey(key) {
    localStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey() {
    localStorage.removeItem(KEY_STORAGE);
}

/** An error the server answered with (OpenAI's shape), or a network failure (status 0). */
export class ApiError extends Error {
    constructor(status, message, { code = null, param = null, type = null } = {}) {
        super(message);
        this.status = status;
        this.code = code;
        this.param = param;
        this.type = type;
    }

    get isAuth() {
        return this.status === 401 || this.status === 403;
    }
}

/** Called with the ApiError when the server refuses the key (401/403); the app shows the key gate. */
let onAuthFailure = () => {};
export function setAuthFailureHandler(handler) {
    onAuthFailure = handler;
}

function authHeaders(extra = {}) {
    const key = storedKey();
    return key ? { Authorization: `Bearer ${key}`, ...extra } : { ...extra };
}

async function errorFrom(response) {
    let message = `${response.status} ${response.statusText}`.trim();
    let details = {};
    try {
        const text = await response.text();
        try {
            const body = JSON.parse(text);
            if (body && body.error) {
                message = body.error.message || message;
                details = { code: body.error.code, param: body.error.param, type: body.error.type };
            }
        } catch {
            if (text) message = text.slice(0, 500);
        }
    } catch {
        // the body could not be read; keep the status line
    }
    return new ApiError(response.status, message, details);
}

async function send(path, init, { auth = true, authFailureIsFatal = true } = {}) {
    let response;
    try {
        response = await fetch(path, { ...init, headers: auth ? authHeaders(init.headers) : init.headers || {} });
    } catch (error) {
        if (error.name === "AbortError") throw error;
        throw new ApiError(0, "The server cannot be reached. Check that `emergent serve` is running.");
    }
    if (!response.ok) {
        const error = await errorFrom(response);
        if (error.isAuth && authFailureIsFatal) onAuthFailure(error);
        throw error;
    }
    return response;
}

/** A JSON request: api("GET", "/v1/agents"), api("PATCH", path, body). Resolves with the parsed body. */
export async function api(method, path, body, options = {}) {
    const init = { method, signal: options.signal, headers: {} };
    if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
    }
    const response = await send(path, init, options);
    const text = await response.text();
    if (!text) return null;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** POST of a YAML agent definition (the import). */
export async function postYAML(path, text) {
    const response = await send(path, { method: "POST", headers: { "Content-Type": "application/yaml" }, body: text });
    return response.json();
}

/** GET of a text resource (the YAML export). */
export async function apiText(path) {
    const response = await send(path, { method: "GET", headers: {} });
    return response.text();
}

/** Uploads a file (multipart, `file` + `purpose`) → the file object. */
export async function uploadFile(file, purpose) {
    const form = new FormData();
    form.append("purpose", purpose);
    form.append("file", file, file.name);
    const response = await send("/v1/files", { method: "POST", body: form, headers: {} });
    return response.json();
}

/**
 * Fetches a file's bytes with the key and returns an object URL (an <img> cannot send headers).
 * URLs are cached for the page's life, so a transcript shown again does not fetch its images again.
 */
const blobURLs = new Map();
export async function blobURL(url) {
    if (blobURLs.has(url)) return blobURLs.get(url);
    const pending = send(url, { method: "GET", headers: {} }).then(async (response) =>
        URL.createObjectURL(await response.blob()));
    blobURLs.set(url, pending);
    try {
        return await pending;
    } catch (error) {
        blobURLs.delete(url);
        throw error;
    }
}

/** Saves a file the API serves (with the key) under `name`. */
export async function downloadFile(url, name) {
    const objectURL = await blobURL(url);
    const link = document.createElement("a");
    link.href = objectURL;
    link.download = name || "download";
    document.body.append(link);
    link.click();
    link.remove();
}

/**
 * Reads a server-sent event stream from a fetch response: `event:` and `data:` lines, blank line ends an event,
 * lines starting with ":" (the heartbeat) are comments. Calls onEvent(name, parsedData) for each event.
 */
export async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let name = "message";
    let data = [];
    const dispatch = () => {
        if (data.length > 0) {
            const text = data.join("\n");
            let parsed = text;
            try {
                parsed = JSON.parse(text);
            } catch {
                // not JSON: hand the text over as it is
            }
            onEvent(name, parsed);
        }
        name = "message";
        data = [];
    };
    for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
            if (line === "") dispatch();
            else if (line.startsWith(":")) continue;
            else {
                const colon = line.indexOf(":");
                const field = colon < 0 ? line : line.slice(0, colon);
                let value = colon < 0 ? "" : line.slice(colon + 1);
                if (value.startsWith(" ")) value = value.slice(1);
                if (field === "event") name = value;
                else if (field === "data") data.push(value);
            }
        }
    }
    buffer += decoder.decode();
    if (buffer.trim() !== "" && !buffer.startsWith(":")) {
        const match = /^data: ?(.*)$/m.exec(buffer);
        if (match) data.push(match[1]);
    }
    dispatch();
}

/** Starts a streaming run of an agent; resolves when the stream ends. */
export async function streamRun(agentID, body, onEvent, signal) {
    const response = await send(`/v1/agents/${encodeURIComponent(agentID)}/runs`, {
        method: "POST",
        signal,
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ ...body, stream: true }),
    });
    await readEvents(response, onEvent);
}

/** The models the server offers (`GET /v1/models`); an empty list when they cannot be read. */
export async function listModels() {
    for (const auth of [true, false]) {
        try {
            const response = await fetch("/v1/models", { headers: auth ? authHeaders() : {} });
            if (response.ok) {
                const body = await response.json();
                return (body.data || []).map((model) => model.id).filter(Boolean);
            }
        } catch {
            return [];
        }
    }
    return [];
}
