import EmergentCore

/// What to evaluate: text (tokenized with the model's special tokens parsed) or token ids as they are.
public enum Prompt: Sendable, Hashable {
    case text(String)
    case tokens([Token])
}

/// A GBNF grammar that constrains generation (llama.cpp's grammar sampler).
///
/// With `triggerPatterns` the grammar is lazy: generation is free until the output matches one of the patterns
/// (regular expressions over the whole output so far); from the pattern's first capture group on, output must
/// follow the grammar. Tool calling with `tool_choice: auto` uses this, triggered by the family's call marker.
public struct Grammar: Sendable, Hashable {
    /// The GBNF source.
    public var source: String
    /// The start rule.
    public var root: String
    /// Regular expressions that switch the grammar on; empty means it applies from the first token.
    public var triggerPatterns: [String]

    public init(_ source: String, root: String = "root", triggerPatterns: [String] = []) {
        self.source = source
        self.root = root
        self.triggerPatterns = triggerPatterns
    }
}

/// Everything that shapes one generation besides the prompt.
public struct GenerationOptions: Sendable, Hashable {
    /// The most tokens to generate; 0 only evaluates the prompt (with `promptLogprobs`, to score it).
    public var maxTokens: Int
    /// Generation ends before any of these strings; they are never emitted.
    public var stop: [String]
    public var sampling: SamplingParameters
    public var grammar: Grammar?
    /// When set, each token carries its log-probability and this many most likely alternatives (0 to 20).
    public var logprobs: Int?
    /// When set, the stream reports the log-probability of every prompt token after the first, with this many
    /// alternatives (OpenAI completions' `echo` with `logprobs`). The prompt is then evaluated in full.
    public var promptLogprobs: Int?
    /// Keep going past end-of-generation tokens (benchmarks that need an exact token count).
    public var ignoreEndOfGeneration: Bool
    /// Render special tokens (such as `<end_of_turn>`) in the text output.
    public var renderSpecialTokens: Bool

    public init(
        maxTokens: Int = 256, stop: [String] = [], sampling: SamplingParameters = .greedy, grammar: Grammar? = nil,
        logprobs: Int? = nil, promptLogprobs: Int? = nil, ignoreEndOfGeneration: Bool = false,
        renderSpecialTokens: Bool = false
    ) {
        self.promptLogprobs = promptLogprobs
        self.maxTokens = maxTokens
        self.stop = stop
        self.sampling = sampling
        self.grammar = grammar
        self.logprobs = logprobs
        self.ignoreEndOfGeneration = ignoreEndOfGeneration
        self.renderSpecialTokens = renderSpecialTokens
    }

    /// The most alternatives `logprobs` may ask for.
    public static let maxTopLogprobs = 20

    /// Checks every option's range; generation calls this too, so calling it early only fails sooner.
    public func validate() throws(EngineError) {
        if maxTokens < 0 {
            throw .invalidOption(name: "max tokens", value: "\(maxTokens)", expected: "0 or more")
        }
        for (name, value) in [("logprobs", logprobs), ("prompt logprobs", promptLogprobs)] {
            if let value, !(0...Self.maxTopLogprobs).contains(value) {
                throw .invalidOption(name: name, value: "\(value)", expected: "0 to \(Self.maxTopLogprobs)")
            }
        }
        let sampling = sampling
        if sampling.temperature < 0 || !sampling.temperature.isFinite {
            throw .invalidOption(name: "temperature", value: "\(sampling.temperature)", expected: "0 or more")
        }
        if !(0...1).contains(sampling.topP) {
            throw .invalidOption(name: "top-p", value: "\(sampling.topP)", expected: "a value from 0 to 1")
        }
        if !(0...1).contains(sampling.minP) {
            throw .invalidOption(name: "min-p", value: "\(sampling.minP)", expected: "a value from 0 to 1")
        }
        if sampling.topK < 0 {
            throw .invalidOption(name: "top-k", value: "\(sampling.topK)", expected: "0 (off) or more")
        }
        if sampling.repeatPenalty <= 0 {
            throw .invalidOption(name: "repeat penalty", value: "\(sampling.repeatPenalty)", expected: "more than 0")
        }
    }
}
