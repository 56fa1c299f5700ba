import EmergentCore
import Foundation

/// The words an episode opens with: AgentBench v0.2's WebShop instructions and its one worked example (as
/// earlier user/assistant turns), written in our own words with the same action syntax, plus the function-calling
/// variant and its tools.
enum WebShopPrompt {
    static let textInstructions = """
    You are shopping on a web store.
    I will give you an instruction that says what to buy, and you must follow it.
    Every round I will show you an observation of the current page and a list of available actions, \
    and you reply with one action based on the page and the instruction.
    You can search only when a search bar is available.
    You can click any of the buttons listed in clickables.
    An action must have one of these forms:
    search[keywords]
    click[value]
    If an action is not valid, nothing happens.
    The search keywords are up to you, but the value in click must be one of the clickables in the available actions.
    Choose your search keywords with care.
    Reply in this format:

    Thought:
    I think ...

    Action:
    click[something]
    """

    static let functionInstructions = """
    You are shopping on a web store.
    I will give you an instruction that says what to buy, and you must follow it.
    Every round I will show you an observation of the current page and a list of available actions, \
    and you respond by calling one of the tools based on the page and the instruction.
    Use the search tool only when a search bar is available.
    Use the click tool on one of the values listed in clickables.
    If an action is not valid, nothing happens.
    The search keywords are up to you, but the value you click must be one of the clickables.
    Choose your search keywords with care.
    Think first about what to do, then call a tool. Always call a tool; you do not need anyone's permission.
    """

    /// The worked example: a made-up shop visit (its products are not in the catalogue).
    static func example() -> [ChatMessage] {
        let instruction = "i want a waterproof mascara that is cruelty free in black color, "
            + "and price lower than 20.00 dollars"
        let searchPage = "WebShop [SEP] Instruction: [SEP] \(instruction) [SEP] Search"
        let results = [
            "Instruction:", instruction, "Back to Search", "Page 1 (Total results: 50)", "Next >",
            "B0XMPL4R7T", "Brightlash Waterproof Mascara, Cruelty Free, Smudge Proof", "$12.99",
            "B0XMPL9K2D", "Lashworks Volume Mascara - Lengthening", "$8.49",
            "B0XMPL3C5W", "Brightlash Curl Mascara Duo", "$22.00",
        ].joined(separator: " [SEP] ")
        let item = [
            "Instruction:", instruction, "Back to Search", "< Prev", "color", "black", "brown black", "brown",
            "Brightlash Waterproof Mascara, Cruelty Free, Smudge Proof", "Price: $12.99", "Rating: N.A.",
            "Description", "Features", "Reviews", "Buy Now",
        ].joined(separator: " [SEP] ")
        let itemActions = actions(false, ["back to search", "< prev", "black", "brown black", "brown", "description",
                                          "features", "reviews", "buy now"])
        return [
            .user(turn(searchPage, actions(true, ["search"]))),
            .assistant(reply("I should use the search bar to look for the product I need.",
                             "search[waterproof cruelty free black mascara]")),
            .user(turn(results, actions(false, ["back to search", "next >", "b0xmpl4r7t", "b0xmpl9k2d",
                                                "b0xmpl3c5w"]))),
            .assistant(reply("B0XMPL4R7T is waterproof, cruelty free and under the price limit, so I should open it.",
                             "click[B0XMPL4R7T]")),
            .user(turn(item, itemActions)),
            .assistant(reply("I should select the 'black' color the instruction asks for.", "click[black]")),
            .user(turn(item, itemActions)),
            .assistant(reply("The product and its option match the instruction, so I should buy it.",
                             "click[Buy Now]")),
        ]
    }

    static func turn(_ observation: String, _ available: String) -> String {
        "Observation:\n\(observation)\n\nAvailable Actions:\n\(available)"
    }

    static func reply(_ thought: String, _ action: String) -> String {
        "Thought:\nI think \(thought)\n\nAction:\n\(action)"
    }

    private static func actions(_ searchBar: Bool, _ clickables: [String]) -> String {
        JSONValue.object(JSONObject([
            ("has_search_bar", .bool(searchBar)),
            ("clickables", .array(clickables.map(JSONValue.string))),
        ])).compactJSON
    }

    static let tools: [ToolSpec] = [
        ToolSpec(name: "search", description: "Search the store with the given keywords (only on the search page).",
                 parameters: [
                     "type": "object",
                     "properties": ["query": ["type": "string", "description": "The keywords to search for."]],
                     "required": ["query"],
                     "additionalProperties": false,
                 ]),
        ToolSpec(name: "click", description: "Click a button, product id or option value on the current page.",
                 parameters: [
                     "type": "object",
                     "properties": [
                         "element": ["type": "string",
                                     "description": "The value to click, exactly as listed in the available clickables."],
                     ],
                     "required": ["element"],
                     "additionalProperties": false,
                 ]),
    ]
}
