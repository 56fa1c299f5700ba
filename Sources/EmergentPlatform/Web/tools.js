// The tool kinds an agent may use, and the settings the builder shows as fields; every other setting is edited as
// JSON beside them. `path` is where a field lives in the tool's settings ("search.provider").

export const TOOL_KINDS = [
    {
        kind: "python", title: "Python", icon: "code", shape: "object",
        summary: "A stateful, sandboxed interpreter for numbers, data and charts.",
        fields: [
            { path: "timeout_seconds", label: "Timeout per call (s)", type: "number", placeholder: "30" },
            { path: "memory_mb", label: "Memory (MB)", type: "number", placeholder: "1024" },
            { path: "output_limit_kb", label: "Output limit (KB)", type: "number", placeholder: "64" },
        ],
        advancedHint: '{"cpu_seconds": 600, "max_processes": 128, "max_file_mb": 512, "warm_pool": 2}',
    },
    {
        kind: "browser", title: "Browser", icon: "globe", shape: "object",
        summary: "Searches the web, reads pages and cites them.",
        fields: [
            {
                path: "search.provider", label: "Search provider", type: "select",
                options: [["", "Server default"], ["local", "Local folder"], ["searxng", "SearXNG"], ["brave", "Brave"]],
            },
            { path: "search.folder", label: "Folder", type: "text", placeholder: "./site",
                showIf: (values) => values["search.provider"] === "local" },
            { path: "search.url", label: "SearXNG URL", type: "text", placeholder: "http://localhost:8888",
                showIf: (values) => values["search.provider"] === "searxng" },
            { path: "search.api_key_env", label: "API key variable", type: "text", placeholder: "BRAVE_API_KEY",
                showIf: (values) => values["search.provider"] === "brave" },
            { path: "allow_hosts", label: "Private hosts to allow", type: "list",
                placeholder: "127.0.0.1:8000, intranet.local" },
            { path: "results_per_search", label: "Results per search", type: "number", placeholder: "8" },
        ],
        advancedHint: '{"timeout_seconds": 20, "max_page_characters": 12000, "max_redirects": 5}',
    },
    {
        kind: "knowledge", title: "Knowledge", icon: "book", shape: "object",
        summary: "Searches the agent's documents (the knowledge files below).",
        fields: [
            { path: "embeddings", label: "Also rank by embeddings", type: "checkbox" },
            { path: "results", label: "Results per search", type: "number", placeholder: "5" },
            { path: "folders", label: "Extra folders on the server", type: "list", placeholder: "./docs" },
        ],
        advancedHint: "{}",
    },
    {
        kind: "functions", title: "Functions", icon: "bolt", shape: "array", itemName: "function",
        summary: "Your HTTP endpoints as tools, each described by a JSON Schema.",
        fields: [
            { path: "name", label: "Name", type: "text", placeholder: "get_weather" },
            { path: "method", label: "Method", type: "select",
                options: [["GET", "GET"], ["POST", "POST"], ["PUT", "PUT"], ["PATCH", "PATCH"], ["DELETE", "DELETE"]] },
            { path: "url", label: "URL", type: "text", placeholder: "https://api.example.com/weather/{city}", wide: true },
            { path: "description", label: "Description", type: "text", placeholder: "Current weather for a city",
                wide: true },
        ],
        template: { method: "GET", parameters: { type: "object", properties: {}, required: [] } },
        advancedHint: '{"parameters": {"type": "object", "properties": {"city": {"type": "string"}}}, "headers": {}}',
    },
    {
        kind: "openapi", title: "OpenAPI", icon: "plug", shape: "array", itemName: "document",
        summary: "Every operation of an OpenAPI 3 document becomes a tool.",
        fields: [
            { path: "location", label: "Document URL or path", type: "text",
                placeholder: "https://petstore3.swagger.io/api/v3/openapi.json", wide: true },
            { path: "operations", label: "Operations (empty for all)", type: "list", placeholder: "listPets, showPetById",
                wide: true },
        ],
        template: {},
        advancedHint: '{"headers": {"Authorization": "Bearer ${PETSTORE_TOKEN}"}, "server_url": "…"}',
    },
    {
        kind: "mcp", title: "MCP servers", icon: "server", shape: "array", itemName: "server",
        summary: "Tools of Model Context Protocol servers started over stdio.",
        fields: [
            { path: "name", label: "Name", type: "text", placeholder: "git" },
            { path: "command", label: "Command", type: "text", placeholder: "mcp-server-git" },
            { path: "arguments", label: "Arguments", type: "list", placeholder: "--repository, /srv/repo", wide: true },
            { path: "prefix_tools", label: "Prefix tool names with the server's", type: "checkbox", wide: true },
        ],
        template: {},
        advancedHint: '{"environment": {"TOKEN": "${TOKEN}"}, "call_timeout_seconds": 60}',
    },
    {
        kind: "image", title: "Image generation", icon: "image", shape: "object",
        summary: "Draws pictures through an OpenAI-compatible images API.",
        fields: [
            { path: "base_url", label: "Base URL", type: "text", placeholder: "https://api.openai.com/v1", wide: true },
            { path: "model", label: "Model", type: "text", placeholder: "dall-e-3" },
            { path: "size", label: "Size", type: "text", placeholder: "1024x1024" },
            { path: "api_key", label: "API key", type: "text", placeholder: "${OPENAI_API_KEY}", wide: true },
        ],
        advancedHint: '{"timeout_seconds": 120}',
    },
];

export function getPath(object, path) {
    let value = object;
    for (const part of path.split(".")) {
        if (value === null || typeof value !== "object") return undefined;
        value = value[part];
    }
    return value;
}

export function setPath(object, path, value) {
    const parts = path.split(".");
    let target = object;
    for (const part of parts.slice(0, -1)) {
        if (target[part] === null || typeof target[part] !== "object" || Array.isArray(target[part])) target[part] = {};
        target = target[part];
    }
    target[parts[parts.length - 1]] = value;
}

/** A copy of `settings` without the fields' paths (and without objects left empty by that). */
export function withoutPaths(settings, paths) {
    const copy = structuredClone(settings && typeof settings === "object" && !Array.isArray(settings) ? settings : {});
    for (const path of paths) {
        const parts = path.split(".");
        const parents = [copy];
        let target = copy;
        for (const part of parts.slice(0, -1)) {
            target = target && typeof target === "object" ? target[part] : undefined;
            parents.push(target);
        }
        if (!target || typeof target !== "object") continue;
        delete target[parts[parts.length - 1]];
        for (let index = parts.length - 2; index >= 0; index -= 1) {
            const parent = parents[index];
            const child = parent[parts[index]];
            if (child && typeof child === "object" && !Array.isArray(child) && Object.keys(child).length === 0) {
                delete parent[parts[index]];
            }
        }
    }
    return copy;
}
