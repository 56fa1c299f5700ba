// The builder: one agent's definition as a form (profile, instructions, model, tools, knowledge, limits, sampling,
// opener), saved as the draft and published as a version, with the draft's test chat beside it and an API tab.

import { api, apiText, listModels, uploadFile } from "./api.js";
import { ChatView } from "./chat.js";
import { autoGrow, copyText, formatBytes, fullTime, h, icon, openDialog, relativeTime, spinner, toast } from "./dom.js";
import { highlightPython } from "./highlight.js";
import { getPath, setPath, TOOL_KINDS, withoutPaths } from "./tools.js";

const DEFINITION_KEYS = ["name", "description", "instructions", "model", "tools", "knowledge", "limits", "sampling",
    "welcome", "suggested_prompts"];
const OTHER_MODEL = "__other__";

let modelList = null;
function models() {
    modelList = modelList || listModels();
    return modelList;
}

let uniqueCounter = 0;
function uid(prefix) {
    uniqueCounter += 1;
    return `${prefix}-${uniqueCounter}`;
}

/** A labelled form field; the control gets an id, its hint and error are tied to it with aria-describedby. */
function field(label, control, { hint = null, wide = false, className = "", body = null } = {}) {
    if (!control.id) control.id = uid("field");
    const hintElement = hint ? h("p", { class: "hint", id: `${control.id}-hint` }, hint) : null;
    const errorElement = h("p", { class: "field-error", id: `${control.id}-error`, hidden: true });
    control.setAttribute("aria-describedby", [hintElement && hintElement.id, errorElement.id].filter(Boolean).join(" "));
    return h("div", { class: `field${wide ? " wide" : ""} ${className}` },
        h("label", { for: control.id }, label), body || control, hintElement, errorElement);
}

function numberInput(path, { placeholder = "", step = "any", min = null, max = null } = {}) {
    return h("input", { type: "number", class: "input", inputmode: "decimal", step, min, max, placeholder,
        dataset: { path } });
}

function readNumber(input, label) {
    const text = input.value.trim();
    if (text === "") return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new FormError(`${label} must be a number.`, input);
    return value;
}

class FormError extends Error {
    constructor(message, control) {
        super(message);
        this.control = control;
    }
}

function sectionCard(title, description, ...children) {
    const headingID = uid("section");
    return h("section", { class: "card form-section", "aria-labelledby": headingID },
        h("div", { class: "section-head" },
            h("h2", { id: headingID }, title),
            description ? h("p", { class: "section-lede" }, description) : null),
        ...children);
}

export function builderPage({ agentID, tab = "build" }) {
    const isNew = !agentID;
    let agent = null;
    let base = {}; // the loaded definition: keys the form does not show are kept from it
    let savedJSON = null;
    let saving = false;
    let created = false;
    let chat = null;
    let createdKey = null;
    let publishedDefinitionJSON = null;

    // MARK: header

    const title = h("h1", { class: "builder-title" }, isNew ? "New agent" : "Loading…");
    const saveState = h("span", { class: "save-state", "aria-live": "polite" });
    const versionBadge = h("span", { class: "badge", hidden: true });
    const unpublished = h("span", { class: "badge badge-warn", hidden: true, title: "The draft differs from the published version" },
        "Unpublished changes");
    const saveButton = h("button", { type: "button", class: "btn btn-primary", id: "save-agent", onclick: () => save() },
        icon("save", 16), isNew ? "Create" : "Save");
    const publishButton = h("button", {
        type: "button", class: "btn", id: "publish-agent", disabled: isNew, onclick: () => publish(),
    }, icon("rocket", 16), h("span", { class: "btn-label" }, "Publish"));
    const exportButton = h("button", {
        type: "button", class: "btn-icon", "aria-label": "Export as YAML", title: "Export as YAML", hidden: isNew,
        onclick: () => exportYAML(),
    }, icon("download", 17));
    const chatLink = h("a", {
        class: "btn-icon", "aria-label": "Open the full chat", title: "Open the full chat", hidden: isNew,
        href: isNew ? "#/agents" : `#/agents/${encodeURIComponent(agentID)}/chat`,
    }, icon("chat", 17));

    const tabs = [["build", "Build"], ["api", "API"]].map(([name, label]) => h("button", {
        type: "button", role: "tab", class: "tab", id: `tab-${name}`, "aria-controls": `panel-${name}`,
        dataset: { tab: name }, onclick: () => selectTab(name, true),
    }, label));
    const tabList = h("div", { class: "tabs", role: "tablist", "aria-label": "Builder sections" }, tabs);
    tabList.addEventListener("keydown", (event) => {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        const index = tabs.indexOf(document.activeElement);
        const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        next.focus();
        selectTab(next.dataset.tab, true);
    });

    const head = h("div", { class: "builder-head" },
        h("div", { class: "builder-head-main" },
            h("a", { href: "#/agents", class: "btn-icon", "aria-label": "Back to agents", title: "Agents" },
                icon("arrowLeft", 17)),
            h("div", { class: "builder-heading" }, title,
                h("div", { class: "builder-status" }, saveState, versionBadge, unpublished))),
        tabList,
        h("div", { class: "builder-actions" }, chatLink, exportButton, publishButton, saveButton));

    // MARK: form

    const errorPanel = h("div", { class: "form-errors", role: "alert", hidden: true, tabindex: -1 });
    const nameInput = h("input", { class: "input", id: "agent-name", required: true, maxlength: 120,
        placeholder: "Research analyst", autocomplete: "off", dataset: { path: "name" } });
    const descriptionInput = h("input", { class: "input", id: "agent-description", maxlength: 300,
        placeholder: "Finds numbers on the web and charts them", dataset: { path: "description" } });
    const instructionsInput = h("textarea", { class: "input textarea instructions", id: "agent-instructions",
        rows: 8, placeholder: "You are a careful analyst. Use Python for any arithmetic, cite every number…",
        dataset: { path: "instructions" } });
    autoGrow(instructionsInput);
    const instructionsCount = h("span", { class: "counter", "aria-live": "off" });

    const modelSelect = h("select", { class: "input", id: "agent-model", dataset: { path: "model" } });
    const modelCustom = h("input", { class: "input", id: "agent-model-custom", hidden: true,
        placeholder: "model name or GGUF path", "aria-label": "Model name", autocomplete: "off" });
    const modelFieldBox = h("div", { class: "model-picker" }, modelSelect, modelCustom);
    let knownModels = [];
    function fillModels(current) {
        const names = ["default", ...knownModels.filter((name) => name !== "default")];
        const options = names.map((name) => h("option", { value: name },
            name === "default" ? "default (the server's default model)" : name));
        options.push(h("option", { value: OTHER_MODEL }, "Other…"));
        modelSelect.replaceChildren(...options);
        if (!current || names.includes(current)) {
            modelSelect.value = current || "default";
            modelCustom.hidden = true;
        } else {
            modelSelect.value = OTHER_MODEL;
            modelCustom.value = current;
            modelCustom.hidden = false;
        }
    }
    modelSelect.addEventListener("change", () => {
        modelCustom.hidden = modelSelect.value !== OTHER_MODEL;
        if (!modelCustom.hidden) modelCustom.focus();
    });
    function currentModel() {
        return modelSelect.value === OTHER_MODEL ? modelCustom.value.trim() : modelSelect.value;
    }

    const sampling = {
        temperature: numberInput("sampling.temperature", { placeholder: "greedy", step: "0.05", min: 0, max: 2 }),
        top_p: numberInput("sampling.top_p", { placeholder: "1.0", step: "0.05", min: 0, max: 1 }),
        max_tokens: numberInput("sampling.max_tokens", { placeholder: "model default", step: "1", min: 1 }),
    };
    const limits = {
        max_tool_rounds: numberInput("limits.max_tool_rounds", { placeholder: "10", step: "1", min: 0 }),
        max_wall_seconds: numberInput("limits.max_wall_seconds", { placeholder: "300", step: "1", min: 1 }),
        max_tokens: numberInput("limits.max_tokens", { placeholder: "8192", step: "1", min: 1 }),
        tool_timeout_seconds: numberInput("limits.tool_timeout_seconds", { placeholder: "60", step: "1", min: 1 }),
    };

    const welcomeInput = h("textarea", { class: "input textarea", id: "agent-welcome", rows: 2,
        placeholder: "Ask me for numbers and charts.", dataset: { path: "welcome" } });
    autoGrow(welcomeInput);
    const promptList = h("ul", { class: "prompt-editor", "aria-label": "Suggested prompts" });
    function addPrompt(text = "", focus = false) {
        const input = h("input", { class: "input", value: text, placeholder: "Plot world GDP for the last ten years",
            "aria-label": "Suggested prompt" });
        const item = h("li", {}, input, h("button", {
            type: "button", class: "btn-icon", "aria-label": "Remove this prompt", title: "Remove",
            onclick: () => {
                item.remove();
                changed();
            },
        }, icon("x", 16)));
        promptList.append(item);
        if (focus) input.focus();
    }

    // Tools
    const toolRows = new Map();
    const toolList = h("div", { class: "tool-list" });
    for (const spec of TOOL_KINDS) {
        const row = toolRow(spec);
        toolRows.set(spec.kind, row);
        toolList.append(row.element);
    }

    // Knowledge files
    let knowledge = [];
    const knowledgeList = h("ul", { class: "file-list", "aria-label": "Knowledge files" });
    const knowledgeInput = h("input", { type: "file", multiple: true, hidden: true, tabindex: -1,
        accept: ".txt,.md,.markdown,.html,.htm,.pdf,.csv,.json" });
    const knowledgeHint = h("div", { class: "notice", hidden: true });
    const dropZone = h("div", { class: "drop-zone" },
        icon("upload", 20),
        h("div", {}, h("strong", {}, "Drop files here"), " or ",
            h("button", { type: "button", class: "link-button", onclick: () => knowledgeInput.click() }, "choose files")),
        h("p", { class: "muted small" }, "Text, Markdown, HTML and PDF. The knowledge tool searches them."));
    dropZone.addEventListener("dragover", (event) => {
        event.preventDefault();
        dropZone.classList.add("dragging");
    });
    dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
    dropZone.addEventListener("drop", (event) => {
        event.preventDefault();
        dropZone.classList.remove("dragging");
        uploadKnowledge([...event.dataTransfer.files]);
    });
    knowledgeInput.addEventListener("change", () => {
        uploadKnowledge([...knowledgeInput.files]);
        knowledgeInput.value = "";
    });

    const form = h("form", { class: "builder-form", novalidate: true, onsubmit: (event) => {
        event.preventDefault();
        save();
    } },
    errorPanel,
    sectionCard("Profile", "How the agent is listed.",
        h("div", { class: "field-grid" },
            field("Name", nameInput, { wide: true }),
            field("Description", descriptionInput, { wide: true }))),
    sectionCard("Instructions", "The system prompt: role, tone, what to do and what never to do.",
        field("Instructions", instructionsInput, { className: "label-hidden" }),
        h("div", { class: "field-foot" }, instructionsCount)),
    sectionCard("Model", "Which model answers, and how it samples.",
        h("div", { class: "field-grid" },
            field("Model", modelSelect, { wide: true, body: modelFieldBox,
                hint: "Models this server offers; “Other…” takes any name." }),
            field("Temperature", sampling.temperature),
            field("Top p", sampling.top_p),
            field("Max tokens per reply", sampling.max_tokens))),
    sectionCard("Tools", "What the agent may use. Each tool's settings open when it is on.", toolList),
    sectionCard("Knowledge files", "Documents the knowledge tool searches.",
        knowledgeHint, dropZone, knowledgeInput, knowledgeList),
    sectionCard("Limits", "How far one run may go before the agent stops and says where it got to.",
        h("div", { class: "field-grid" },
            field("Max tool rounds", limits.max_tool_rounds),
            field("Max wall time (s)", limits.max_wall_seconds),
            field("Max tokens per run", limits.max_tokens),
            field("Tool timeout (s)", limits.tool_timeout_seconds))),
    sectionCard("Conversation opener", "Shown on an empty chat.",
        field("Welcome message", welcomeInput, { wide: true }),
        h("div", { class: "field wide" },
            h("span", { class: "label", id: "prompts-label" }, "Suggested prompts"),
            promptList,
            h("button", { type: "button", class: "btn btn-sm", onclick: () => {
                addPrompt("", true);
                changed();
            } }, icon("plus", 15), "Add prompt"))));

    const buildPanel = h("div", { class: "tab-panel", id: "panel-build", role: "tabpanel", "aria-labelledby": "tab-build" },
        form);
    const apiPanel = h("div", { class: "tab-panel", id: "panel-api", role: "tabpanel", "aria-labelledby": "tab-api",
        hidden: true });

    const chatColumn = h("aside", { class: "builder-chat", "aria-label": "Test chat" });
    const element = h("div", { class: "builder" }, head,
        h("div", { class: "builder-grid" }, h("div", { class: "builder-main" }, buildPanel, apiPanel), chatColumn));

    form.addEventListener("input", (event) => {
        // Editing a field the server refused clears its message (JSON areas check themselves as they change).
        const target = event.target;
        if (target.getAttribute("aria-invalid") && !target.classList.contains("mono")) markInvalid(target, null);
        changed();
    });
    form.addEventListener("change", changed);
    element.addEventListener("keydown", (event) => {
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
            event.preventDefault();
            save();
        }
    });

    // MARK: tool rows

    function toolRow(spec) {
        const switchID = uid(`tool-${spec.kind}`);
        const toggle = h("input", { type: "checkbox", role: "switch", id: switchID, class: "switch-input",
            dataset: { tool: spec.kind, path: `tools.${spec.kind}` } });
        const panel = h("div", { class: "tool-settings", hidden: true });
        const error = h("p", { class: "field-error tool-error", id: `${switchID}-error`, hidden: true });
        toggle.setAttribute("aria-describedby", error.id);
        const element = h("div", { class: "tool-row", dataset: { tool: spec.kind } },
            h("div", { class: "tool-row-head" },
                h("span", { class: "tool-row-icon", "aria-hidden": "true" }, icon(spec.icon, 18)),
                h("label", { for: switchID, class: "tool-row-text" },
                    h("span", { class: "tool-row-title" }, spec.title, " ", h("code", { class: "muted" }, spec.kind)),
                    h("span", { class: "tool-row-summary" }, spec.summary)),
                h("span", { class: "switch" }, toggle, h("span", { class: "switch-track", "aria-hidden": "true" }))),
            error, panel);
        const row = { spec, toggle, panel, element, items: [], advanced: null, controls: [] };
        toggle.addEventListener("change", () => {
            panel.hidden = !toggle.checked;
            element.classList.toggle("on", toggle.checked);
            updateKnowledgeHint();
        });
        if (spec.shape === "object") {
            const { grid, controls } = fieldControls(spec.fields);
            row.controls = controls;
            row.advanced = advancedArea(spec.advancedHint, `Advanced ${spec.title} settings (JSON)`);
            panel.append(grid, row.advanced.element);
        } else {
            row.itemList = h("div", { class: "tool-items" });
            row.empty = h("p", { class: "muted small" }, `No ${spec.itemName}s yet.`);
            panel.append(row.empty, row.itemList, h("button", {
                type: "button", class: "btn btn-sm", onclick: () => {
                    addItem(row, spec.template || {}, true);
                    changed();
                },
            }, icon("plus", 15), `Add ${spec.itemName}`));
        }
        return row;
    }

    function fieldControls(fields) {
        const controls = [];
        const grid = h("div", { class: "field-grid" });
        for (const spec of fields) {
            let control;
            if (spec.type === "select") {
                control = h("select", { class: "input" },
                    spec.options.map(([value, label]) => h("option", { value }, label)));
            } else if (spec.type === "checkbox") {
                control = h("input", { type: "checkbox", class: "checkbox" });
            } else {
                control = h("input", { class: "input", type: spec.type === "number" ? "number" : "text",
                    step: spec.type === "number" ? "any" : null, placeholder: spec.placeholder || "", autocomplete: "off" });
            }
            control.dataset.path = spec.path;
            const wrapper = spec.type === "checkbox"
                ? h("div", { class: `field check${spec.wide ? " wide" : ""}` }, control,
                    h("label", { for: control.id = uid("field") }, spec.label))
                : field(spec.label, control, { wide: spec.wide });
            grid.append(wrapper);
            controls.push({ spec, control, wrapper });
        }
        const refresh = () => {
            const values = Object.fromEntries(controls.map(({ spec, control }) => [spec.path, control.value]));
            for (const { spec, wrapper } of controls) if (spec.showIf) wrapper.hidden = !spec.showIf(values);
        };
        grid.addEventListener("change", refresh);
        grid.refresh = refresh;
        controls.refresh = refresh;
        return { grid, controls };
    }

    function advancedArea(hint, label) {
        const area = h("textarea", { class: "input textarea mono", rows: 3, spellcheck: "false",
            placeholder: hint || "{}" });
        autoGrow(area);
        const wrapper = field(label, area, { wide: true, hint: "Any other settings, merged with the fields above." });
        area.addEventListener("input", () => {
            try {
                parseAdvanced(area);
                markInvalid(area, null);
            } catch (error) {
                markInvalid(area, error.message);
            }
        });
        return { element: h("details", { class: "advanced" }, h("summary", {}, "Advanced (JSON)"), wrapper), area };
    }

    function parseAdvanced(area) {
        const text = area.value.trim();
        if (text === "") return {};
        let value;
        try {
            value = JSON.parse(text);
        } catch (error) {
            throw new FormError(`Not valid JSON: ${error.message}`, area);
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            throw new FormError("Expected a JSON object, like {\"key\": 1}.", area);
        }
        return value;
    }

    function addItem(row, settings, focus) {
        const { grid, controls } = fieldControls(row.spec.fields);
        const advanced = advancedArea(row.spec.advancedHint, `Other ${row.spec.itemName} settings (JSON)`);
        const item = { controls, advanced };
        const element = h("div", { class: "tool-item" },
            h("div", { class: "tool-item-head" },
                h("span", { class: "tool-item-title" }, `${row.spec.itemName[0].toUpperCase()}${row.spec.itemName.slice(1)}`),
                h("button", { type: "button", class: "btn-icon", "aria-label": `Remove this ${row.spec.itemName}`,
                    title: "Remove", onclick: () => {
                        row.items = row.items.filter((other) => other !== item);
                        element.remove();
                        row.empty.hidden = row.items.length > 0;
                        changed();
                    } }, icon("trash", 16))),
            grid, advanced.element);
        item.element = element;
        fillControls(controls, advanced, settings);
        row.items.push(item);
        row.itemList.append(element);
        row.empty.hidden = true;
        if (focus) controls[0]?.control.focus();
    }

    function fillControls(controls, advanced, settings) {
        const covered = [];
        for (const { spec, control } of controls) {
            const value = getPath(settings, spec.path);
            if (spec.type === "checkbox") {
                if (value === undefined || typeof value === "boolean") {
                    control.checked = value === true;
                    covered.push(spec.path);
                }
                continue;
            }
            covered.push(spec.path);
            if (value === undefined || value === null) control.value = spec.type === "select" ? spec.options[0][0] : "";
            else if (spec.type === "list") control.value = Array.isArray(value) ? value.join(", ") : String(value);
            else if (spec.type === "select") {
                if (![...control.options].some((option) => option.value === String(value))) {
                    control.append(h("option", { value: String(value) }, String(value)));
                }
                control.value = String(value);
            } else control.value = typeof value === "object" ? JSON.stringify(value) : String(value);
        }
        const rest = withoutPaths(settings, covered);
        advanced.area.value = Object.keys(rest).length > 0 ? JSON.stringify(rest, null, 2) : "";
        controls.refresh();
    }

    function collectControls(controls, advanced) {
        const settings = parseAdvanced(advanced.area);
        for (const { spec, control, wrapper } of controls) {
            if (wrapper.hidden) continue;
            if (spec.type === "checkbox") {
                if (control.checked) setPath(settings, spec.path, true);
                continue;
            }
            const text = control.value.trim();
            if (text === "") continue;
            if (spec.type === "number") setPath(settings, spec.path, readNumber(control, spec.label));
            else if (spec.type === "list") {
                const list = text.split(",").map((part) => part.trim()).filter(Boolean);
                if (list.length > 0) setPath(settings, spec.path, list);
            } else setPath(settings, spec.path, text);
        }
        return settings;
    }

    // MARK: knowledge files

    function renderKnowledge() {
        knowledgeList.replaceChildren(...knowledge.map((entry) => {
            const name = h("span", { class: "file-name" }, entry.name || entry.id);
            const meta = h("span", { class: "muted small" }, entry.uploading ? "Uploading…" :
                [entry.bytes != null ? formatBytes(entry.bytes) : null, entry.id !== entry.name ? entry.id : null]
                    .filter(Boolean).join(" · "));
            return h("li", { class: "file-row" },
                entry.uploading ? spinner() : icon("file", 16), h("div", { class: "file-text" }, name, meta),
                entry.uploading ? null : h("button", {
                    type: "button", class: "btn-icon", "aria-label": `Remove ${entry.name || entry.id}`, title: "Remove",
                    onclick: () => {
                        knowledge = knowledge.filter((other) => other !== entry);
                        renderKnowledge();
                        changed();
                    },
                }, icon("x", 16)));
        }));
        knowledgeList.hidden = knowledge.length === 0;
        updateKnowledgeHint();
    }

    function updateKnowledgeHint() {
        const row = toolRows.get("knowledge");
        const needsTool = knowledge.length > 0 && !row.toggle.checked;
        knowledgeHint.hidden = !needsTool;
        if (needsTool) {
            knowledgeHint.replaceChildren(icon("alert", 16),
                h("span", {}, "The knowledge tool is off, so the agent cannot search these files. "),
                h("button", { type: "button", class: "link-button", onclick: () => {
                    row.toggle.checked = true;
                    row.toggle.dispatchEvent(new Event("change", { bubbles: true }));
                } }, "Turn it on"));
        }
    }

    async function uploadKnowledge(files) {
        for (const file of files) {
            const entry = { id: file.name, name: file.name, bytes: file.size, uploading: true };
            knowledge.push(entry);
            renderKnowledge();
            try {
                const uploaded = await uploadFile(file, "knowledge");
                Object.assign(entry, { id: uploaded.id, name: uploaded.filename || file.name, bytes: uploaded.bytes,
                    uploading: false });
            } catch (error) {
                knowledge = knowledge.filter((other) => other !== entry);
                if (!error.isAuth) toast(`Could not upload ${file.name}: ${error.message}`, "error");
            }
            renderKnowledge();
            changed();
        }
    }

    async function describeKnowledge() {
        await Promise.all(knowledge.filter((entry) => /^file-/.test(entry.id)).map(async (entry) => {
            try {
                const file = await api("GET", `/v1/files/${encodeURIComponent(entry.id)}`);
                entry.name = file.filename;
                entry.bytes = file.bytes;
            } catch {
                // keep showing the id
            }
        }));
        renderKnowledge();
    }

    // MARK: definition ↔ form

    function populate(definition) {
        base = structuredClone(definition || {});
        nameInput.value = definition.name || "";
        descriptionInput.value = definition.description || "";
        instructionsInput.value = definition.instructions || "";
        fillModels(definition.model || "default");
        for (const [key, input] of Object.entries(sampling)) input.value = definition.sampling?.[key] ?? "";
        for (const [key, input] of Object.entries(limits)) input.value = definition.limits?.[key] ?? "";
        welcomeInput.value = definition.welcome || "";
        promptList.replaceChildren();
        for (const prompt of definition.suggested_prompts || []) addPrompt(prompt);
        const tools = definition.tools || {};
        for (const [kind, row] of toolRows) {
            const enabled = Object.prototype.hasOwnProperty.call(tools, kind);
            row.toggle.checked = enabled;
            row.panel.hidden = !enabled;
            row.element.classList.toggle("on", enabled);
            const settings = tools[kind];
            if (row.spec.shape === "object") {
                fillControls(row.controls, row.advanced, settings && typeof settings === "object" ? settings : {});
            } else {
                row.items = [];
                row.itemList.replaceChildren();
                for (const item of Array.isArray(settings) ? settings : []) addItem(row, item, false);
                row.empty.hidden = row.items.length > 0;
            }
        }
        knowledge = (definition.knowledge || []).map((id) => ({ id, name: id }));
        renderKnowledge();
        describeKnowledge();
        instructionsInput.dispatchEvent(new Event("input"));
        welcomeInput.dispatchEvent(new Event("input"));
    }

    /** The form as an AgentDefinition; throws a FormError naming the control at fault. */
    function collect() {
        const definition = {};
        const name = nameInput.value.trim();
        if (!name) throw new FormError("Give the agent a name.", nameInput);
        definition.name = name;
        definition.description = descriptionInput.value.trim() || null;
        definition.instructions = instructionsInput.value.trim() ? instructionsInput.value : null;
        const model = currentModel();
        if (modelSelect.value === OTHER_MODEL && !model) throw new FormError("Type the model's name.", modelCustom);
        definition.model = model || null;
        const tools = {};
        for (const [kind, row] of toolRows) {
            if (!row.toggle.checked) continue;
            if (row.spec.shape === "object") tools[kind] = collectControls(row.controls, row.advanced);
            else tools[kind] = row.items.map((item) => collectControls(item.controls, item.advanced));
        }
        definition.tools = tools;
        const files = knowledge.filter((entry) => !entry.uploading).map((entry) => entry.id);
        definition.knowledge = files.length > 0 ? files : null;
        definition.limits = numbersOver(base.limits, limits, {
            max_tool_rounds: "Max tool rounds", max_wall_seconds: "Max wall time", max_tokens: "Max tokens per run",
            tool_timeout_seconds: "Tool timeout",
        });
        definition.sampling = numbersOver(base.sampling, sampling, {
            temperature: "Temperature", top_p: "Top p", max_tokens: "Max tokens per reply",
        });
        definition.welcome = welcomeInput.value.trim() || null;
        const prompts = [...promptList.querySelectorAll("input")].map((input) => input.value.trim()).filter(Boolean);
        definition.suggested_prompts = prompts.length > 0 ? prompts : null;
        return definition;
    }

    /** Number fields over the loaded object, so keys the form does not show (seed, max_parallel_calls) stay. */
    function numbersOver(original, inputs, labels) {
        const result = { ...(original && typeof original === "object" ? original : {}) };
        for (const [key, input] of Object.entries(inputs)) {
            const value = readNumber(input, labels[key]);
            if (value === undefined) delete result[key];
            else result[key] = value;
        }
        return Object.keys(result).length > 0 ? result : null;
    }

    function snapshot() {
        try {
            return JSON.stringify(collect());
        } catch {
            return "invalid";
        }
    }

    function isDirty() {
        return savedJSON !== null && snapshot() !== savedJSON;
    }

    let changeScheduled = false;
    function changed() {
        if (changeScheduled) return;
        changeScheduled = true;
        requestAnimationFrame(() => {
            changeScheduled = false;
            updateState();
            instructionsCount.textContent = `${instructionsInput.value.length.toLocaleString()} characters`;
            if (chat && chat.log.childElementCount === 0) chat.showEmpty();
        });
    }

    function updateState() {
        const dirty = isNew || isDirty();
        saveButton.disabled = saving;
        saveButton.classList.toggle("pulse", dirty && !isNew);
        publishButton.disabled = isNew || saving;
        if (saving) saveState.replaceChildren(spinner(), "Saving…");
        else if (isNew) saveState.replaceChildren(h("span", { class: "dot dot-warn", "aria-hidden": "true" }), "Not created yet");
        else if (dirty) saveState.replaceChildren(h("span", { class: "dot dot-warn", "aria-hidden": "true" }), "Unsaved changes");
        else saveState.replaceChildren(icon("check", 14), "Draft saved");
        saveState.classList.toggle("dirty", dirty);
        if (agent) {
            versionBadge.hidden = !agent.published_version;
            versionBadge.textContent = `Published v${agent.published_version}`;
            unpublished.hidden = publishedDefinitionJSON === null ||
                JSON.stringify(agent.definition) === publishedDefinitionJSON;
        }
        title.textContent = nameInput.value.trim() || (isNew ? "New agent" : "Untitled agent");
    }

    // MARK: errors

    function clearErrors() {
        errorPanel.hidden = true;
        errorPanel.replaceChildren();
        for (const control of form.querySelectorAll("[aria-invalid]")) markInvalid(control, null);
    }

    function markInvalid(control, message) {
        const error = document.getElementById(`${control.id}-error`);
        if (message) {
            control.setAttribute("aria-invalid", "true");
            if (error) {
                error.textContent = message;
                error.hidden = false;
            }
        } else {
            control.removeAttribute("aria-invalid");
            if (error) error.hidden = true;
        }
    }

    function revealControl(control) {
        const row = control.closest(".tool-row");
        if (row && row.querySelector(".switch-input") !== control) {
            const toggle = row.querySelector(".switch-input");
            if (!toggle.checked) return;
        }
        control.closest("details.advanced")?.setAttribute("open", "");
        control.focus({ preventScroll: true });
        control.scrollIntoView({ block: "center", behavior: "smooth" });
    }

    /** A server's 400 (message, maybe several lines with line/column) next to the form and its field. */
    function showServerError(error) {
        const lines = String(error.message || "").split(/\n|;\s+(?=line \d)/).map((line) => line.trim()).filter(Boolean);
        errorPanel.replaceChildren(
            h("div", { class: "form-errors-title" }, icon("alert", 16),
                error.status === 400 ? "The server did not accept the agent" : `The server answered ${error.status || "nothing"}`),
            lines.length > 1 ? h("ul", {}, lines.map((line) => h("li", {}, line))) : h("p", {}, lines[0] || ""));
        errorPanel.hidden = false;
        const paths = new Set();
        if (error.param) paths.add(String(error.param).replace(/^definition\./, ""));
        // Field paths the message names: 'limits.max_tool_rounds', tools.pythn, name.
        const fieldPath = new RegExp(`(?:^|\\d+:\\d+:\\s*|')((?:${DEFINITION_KEYS.join("|")})(?:\\.\\w+)*)(?=:|')`, "gm");
        for (const match of String(error.message).matchAll(fieldPath)) paths.add(match[1]);
        let first = null;
        for (const path of paths) {
            const control = form.querySelector(`[data-path="${CSS.escape(path)}"]`) ||
                form.querySelector(`[data-path="${CSS.escape(path.split(".").slice(0, 2).join("."))}"]`);
            if (!control) continue;
            // Beside the field, only what is wrong with it; the whole message stays above the form.
            const after = String(error.message).split(`${path}:`)[1];
            markInvalid(control, after ? after.replace(/\s*See the [\s\S]*$/, "").trim() : lines[0] || error.message);
            first = first || control;
        }
        if (first) revealControl(first);
        else {
            errorPanel.focus({ preventScroll: true });
            errorPanel.scrollIntoView({ block: "nearest", behavior: "smooth" });
        }
    }

    // MARK: save, publish, export

    async function save({ quiet = false } = {}) {
        if (saving) return false;
        clearErrors();
        let definition;
        try {
            definition = collect();
        } catch (error) {
            if (!(error instanceof FormError)) throw error;
            markInvalid(error.control, error.message);
            revealControl(error.control);
            if (!quiet) toast(error.message, "error");
            return false;
        }
        saving = true;
        updateState();
        try {
            if (isNew) {
                const body = Object.fromEntries(Object.entries(definition).filter(([, value]) => value !== null));
                agent = await api("POST", "/v1/agents", body);
                created = true;
                toast(`Created “${agent.name}”`);
                location.hash = `#/agents/${encodeURIComponent(agent.id)}/build`;
                return true;
            }
            const body = Object.fromEntries(DEFINITION_KEYS.map((key) => [key, definition[key] ?? null]));
            agent = await api("PATCH", `/v1/agents/${encodeURIComponent(agentID)}`, body);
            base = structuredClone(agent.definition || definition);
            savedJSON = snapshot();
            if (!quiet) toast("Draft saved");
            return true;
        } catch (error) {
            if (!error.isAuth) showServerError(error);
            return false;
        } finally {
            saving = false;
            updateState();
        }
    }

    async function publish() {
        if (isDirty() && !(await save({ quiet: true }))) return;
        const note = h("input", { class: "input", id: uid("note"), placeholder: "What changed (optional)" });
        const body = h("div", {},
            h("p", {}, "Runs through the API and the chat page use the published version. The test chat keeps using the draft."),
            field("Note", note, { wide: true }));
        note.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();
                note.closest("dialog").close("true");
            }
        });
        const confirmed = await openDialog({
            title: agent.published_version ? `Publish version ${agent.published_version + 1}?` : "Publish?",
            body, actions: [{ label: "Cancel", value: false }, { label: "Publish", value: true, kind: "primary" }],
            initialFocus: note,
        });
        if (!confirmed) return;
        try {
            const version = await api("POST", `/v1/agents/${encodeURIComponent(agentID)}/publish`,
                note.value.trim() ? { note: note.value.trim() } : {});
            agent.published_version = version.version;
            publishedDefinitionJSON = JSON.stringify(version.definition);
            toast(`Published version ${version.version}`);
            updateState();
            if (!apiPanel.hidden) renderAPI();
        } catch (error) {
            if (!error.isAuth) showServerError(error);
        }
    }

    async function exportYAML() {
        try {
            const text = await apiText(`/v1/agents/${encodeURIComponent(agentID)}/export`);
            const link = h("a", {
                href: URL.createObjectURL(new Blob([text], { type: "text/yaml" })),
                download: `${(agent.name || "agent").replace(/[^\w.-]+/g, "-")}.yaml`,
            });
            document.body.append(link);
            link.click();
            link.remove();
        } catch (error) {
            if (!error.isAuth) toast(`Could not export: ${error.message}`, "error");
        }
    }

    async function loadPublished() {
        try {
            const versions = await api("GET", `/v1/agents/${encodeURIComponent(agentID)}/versions`);
            const latest = (versions.data || [])[0];
            publishedDefinitionJSON = latest ? JSON.stringify(latest.definition) : null;
        } catch {
            publishedDefinitionJSON = null;
        }
        updateState();
    }

    // MARK: tabs

    function selectTab(name, updateURL) {
        for (const button of tabs) {
            const selected = button.dataset.tab === name;
            button.setAttribute("aria-selected", String(selected));
            button.tabIndex = selected ? 0 : -1;
        }
        buildPanel.hidden = name !== "build";
        apiPanel.hidden = name !== "api";
        if (name === "api") renderAPI();
        if (updateURL) window.scrollTo(0, 0);
        if (updateURL && !isNew) {
            history.replaceState(null, "", `#/agents/${encodeURIComponent(agentID)}/${name === "api" ? "api" : "build"}`);
        }
    }

    // MARK: API tab

    async function renderAPI() {
        if (isNew) {
            apiPanel.replaceChildren(h("div", { class: "card empty-state" },
                h("h2", {}, "Not created yet"),
                h("p", { class: "muted" }, "Create the agent first; its endpoint and keys appear here.")));
            return;
        }
        const origin = location.origin;
        const endpoint = `${origin}/v1/agents/${agentID}/runs`;
        const keyText = createdKey || "$EMERGENT_API_KEY";
        const keyList = h("ul", { class: "key-list", "aria-label": "Keys of this agent" }, h("li", { class: "muted" }, "Loading…"));
        const newKey = createdKey
            ? h("div", { class: "notice success key-once", role: "status" }, icon("key", 16),
                h("div", {}, h("strong", {}, "Your new key: "), h("code", { class: "mono key-value" }, createdKey),
                    h("p", { class: "small" }, "Copy it now: it is shown only once. The examples below use it.")),
                h("button", { type: "button", class: "btn btn-sm", onclick: () => copyText(createdKey) },
                    icon("copy", 15), "Copy"))
            : null;
        const published = agent && agent.published_version ? `version ${agent.published_version}` : "the published version";
        apiPanel.replaceChildren(
            sectionCard("Endpoint", `Runs use ${published}. Send the admin key or one of this agent's keys.`,
                h("div", { class: "endpoint" }, h("span", { class: "method" }, "POST"),
                    h("code", { class: "mono" }, endpoint),
                    h("button", { type: "button", class: "btn-icon", "aria-label": "Copy the endpoint", title: "Copy",
                        onclick: () => copyText(endpoint) }, icon("copy", 16))),
                h("p", { class: "muted small" }, "It also answers OpenAI's chat completions at ",
                    h("code", {}, `${origin}/v1/chat/completions`), " with ", h("code", {}, `"model": "agent:${agentID}"`), ".")),
            sectionCard("API keys", "A key of this agent can run it and read its conversations, nothing else.",
                newKey,
                h("div", { class: "row" },
                    h("button", { type: "button", class: "btn btn-primary", id: "create-key", onclick: createKey },
                        icon("key", 16), "Create key")),
                keyList),
            sectionCard("Examples", null,
                snippet("curl — streaming events", "bash", curlSnippet(endpoint, keyText, true)),
                snippet("curl — wait for the answer", "bash", curlSnippet(endpoint, keyText, false)),
                snippet("Python — the openai SDK", "python", pythonSnippet(origin, keyText, agentID)),
                snippet("Swift — URLSession", "swift", swiftSnippet(endpoint, keyText))));
        try {
            const keys = await api("GET", `/v1/agents/${encodeURIComponent(agentID)}/keys`);
            const list = keys.data || [];
            keyList.replaceChildren(...(list.length === 0 ? [h("li", { class: "muted" }, "No keys yet.")] :
                list.map((key) => h("li", {}, icon("key", 14), h("code", { class: "mono" }, `${key.prefix}…`),
                    h("span", {}, key.name || ""), h("span", { class: "muted small", title: fullTime(key.created_at) },
                        `created ${relativeTime(key.created_at)}`)))));
        } catch {
            keyList.replaceChildren(h("li", { class: "muted" }, "The keys could not be listed."));
        }
    }

    async function createKey() {
        try {
            const key = await api("POST", `/v1/agents/${encodeURIComponent(agentID)}/keys`, {});
            createdKey = key.key;
            await renderAPI();
            apiPanel.querySelector(".key-once")?.scrollIntoView({ block: "nearest", behavior: "smooth" });
            toast("Key created");
        } catch (error) {
            if (!error.isAuth) toast(`Could not create a key: ${error.message}`, "error");
        }
    }

    function snippet(label, language, code) {
        return h("div", { class: "snippet" },
            h("div", { class: "code-head" }, h("span", {}, label),
                h("button", { type: "button", class: "copy-code", "aria-label": `Copy: ${label}`,
                    onclick: () => copyText(code) }, icon("copy", 14), "Copy")),
            h("pre", {}, h("code", language === "python" ? { html: highlightPython(code) } : {}, language === "python" ? null : code)));
    }

    // MARK: load

    function mountChat() {
        chat = new ChatView({
            agentID, version: "draft", compact: true, label: "Test chat",
            intro: () => ({
                name: nameInput.value.trim() || "Untitled agent",
                welcome: welcomeInput.value.trim(),
                prompts: [...promptList.querySelectorAll("input")].map((input) => input.value.trim()),
            }),
            beforeSend: async () => (isDirty() ? save({ quiet: true }) : true),
        });
        chatColumn.replaceChildren(
            h("div", { class: "chat-head" },
                h("div", {}, h("h2", {}, "Test chat"),
                    h("p", { class: "muted small" }, "Runs the saved draft; unsaved edits are saved first.")),
                h("span", { class: "badge" }, "draft"),
                h("button", { type: "button", class: "btn-icon", "aria-label": "Start a new test conversation",
                    title: "New conversation", onclick: () => chat.reset() }, icon("refresh", 17))),
            chat.element);
    }

    async function load() {
        models().then((names) => {
            knownModels = names;
            const current = currentModel();
            const wasDirty = isDirty();
            fillModels(current);
            if (!wasDirty && savedJSON !== null) savedJSON = snapshot();
            updateState();
        });
        if (isNew) {
            populate({ name: "", tools: {} });
            savedJSON = null;
            chatColumn.replaceChildren(h("div", { class: "chat-placeholder" },
                h("div", { class: "empty-mark", "aria-hidden": "true" }, icon("chat", 24)),
                h("h2", {}, "Test chat"),
                h("p", { class: "muted" }, "Create the agent, then try it here while you edit it.")));
            updateState();
            selectTab("build", false);
            nameInput.focus();
            return;
        }
        try {
            agent = await api("GET", `/v1/agents/${encodeURIComponent(agentID)}`);
        } catch (error) {
            if (error.isAuth) return;
            element.replaceChildren(h("div", { class: "page" }, h("div", { class: "notice error", role: "alert" },
                icon("alert", 16), error.status === 404 ? "There is no such agent." : `Could not load the agent: ${error.message}`,
                h("a", { class: "btn btn-sm", href: "#/agents" }, "All agents"))));
            return;
        }
        populate(agent.definition || { name: agent.name });
        savedJSON = snapshot();
        mountChat();
        updateState();
        selectTab(tab, false);
        loadPublished();
    }

    load();
    return {
        element,
        get title() {
            return nameInput.value || "New agent";
        },
        canLeave: () => created || (!saving && (isNew ? !nameInput.value.trim() : !isDirty())),
        dispose: () => chat && chat.dispose(),
        route: (next) => {
            if (next.agentID !== agentID) return false;
            selectTab(next.tab, false);
            return true;
        },
    };
}

function shellQuote(text) {
    return `'${text.replace(/'/g, "'\\''")}'`;
}

function curlSnippet(endpoint, key, stream) {
    const keyPart = key.startsWith("$") ? `"Authorization: Bearer ${key}"` : shellQuote(`Authorization: Bearer ${key}`);
    return [
        `curl ${stream ? "-N " : ""}${endpoint} \\`,
        `  -H ${keyPart} \\`,
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"input": "Hello! What can you do?", "stream": ${stream}}'`,
    ].join("\n");
}

function pythonSnippet(origin, key, agentID) {
    const keyLine = key.startsWith("$") ? 'api_key=os.environ["EMERGENT_API_KEY"]' : `api_key="${key}"`;
    return [
        ...(key.startsWith("$") ? ["import os"] : []),
        "from openai import OpenAI",
        "",
        `client = OpenAI(base_url="${origin}/v1", ${keyLine})`,
        "",
        "stream = client.chat.completions.create(",
        `    model="agent:${agentID}",`,
        '    messages=[{"role": "user", "content": "Hello! What can you do?"}],',
        "    stream=True,",
        ")",
        "for chunk in stream:",
        "    if chunk.choices and chunk.choices[0].delta.content:",
        '        print(chunk.choices[0].delta.content, end="", flush=True)',
        "print()",
    ].join("\n");
}

function swiftSnippet(endpoint, key) {
    const keyLine = key.startsWith("$")
        ? 'let key = ProcessInfo.processInfo.environment["EMERGENT_API_KEY"] ?? ""'
        : `let key = "${key}"`;
    return [
        "import Foundation",
        "",
        keyLine,
        `var request = URLRequest(url: URL(string: "${endpoint}")!)`,
        'request.httpMethod = "POST"',
        'request.setValue("Bearer \\(key)", forHTTPHeaderField: "Authorization")',
        'request.setValue("application/json", forHTTPHeaderField: "Content-Type")',
        "request.httpBody = try JSONSerialization.data(withJSONObject: [",
        '    "input": "Hello! What can you do?", "stream": false,',
        "])",
        "",
        "let (data, _) = try await URLSession.shared.data(for: request)",
        "let result = try JSONSerialization.jsonObject(with: data) as? [String: Any]",
        'print(result?["answer"] as? String ?? String(decoding: data, as: UTF8.self))',
    ].join("\n");
}
