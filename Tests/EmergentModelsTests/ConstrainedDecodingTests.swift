import EmergentCore
import EmergentEngine
import EmergentJinja
import Foundation
import Testing

@testable import EmergentModels

@Suite("JSON Schema to grammar, and constrained generation")
struct ConstrainedDecodingTests {
    static let userSchema = """
        {
          "type": "object",
          "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 20},
            "role": {"enum": ["admin", "editor", "viewer"]},
            "age": {"type": "integer"},
            "address": {
              "type": "object",
              "properties": {
                "city": {"type": "string", "maxLength": 24},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"}
              },
              "required": ["city", "zip"],
              "additionalProperties": false
            },
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 12}, "minItems": 1, "maxItems": 3},
            "active": {"type": "boolean"},
            "nickname": {"type": ["string", "null"], "maxLength": 10}
          },
          "required": ["name", "role", "age", "address", "tags", "active"],
          "additionalProperties": false
        }
        """

    static let model = Task { try await Model.load(from: EmergentPaths().defaultModel.path) }

    @Test("20 sampled generations under a nested schema all parse and validate")
    func twentyConstrainedGenerations() async throws {
        let schema = try JinjaJSON.parse(Self.userSchema)
        let grammar = try JSONSchemaGrammar.grammar(for: schema)
        let validator = JSONSchemaValidator(schema: schema)
        let session = try await InferenceSession(
            model: try await Self.model.value, options: SessionOptions(contextLength: 1024))
        let prompt = "A user account record as JSON:\n"
        for seed in UInt32(1)...20 {
            let options = GenerationOptions(
                maxTokens: 400, sampling: SamplingParameters(temperature: 0.8, topK: 40, seed: seed),
                grammar: Grammar(grammar))
            let completion = try await session.complete(.text(prompt), options: options)
            #expect(completion.finishReason == .endOfGeneration, "seed \(seed) did not finish: \(completion.text)")
            let value = try #require(
                try? JinjaJSON.parse(completion.text), "seed \(seed) gave invalid JSON: \(completion.text)")
            #expect(validator.problems(in: value) == [], "seed \(seed): \(completion.text)")
        }
    }

    @Test(
        "every grammar the converter writes is accepted by llama.cpp's grammar parser",
        arguments: [
            #"{"type": "string", "format": "date-time"}"#,
            #"{"type": "array", "prefixItems": [{"type": "integer"}, {"const": "x"}]}"#,
            #"{"anyOf": [{"type": "number"}, {"type": "object", "properties": {"a": {"type": "boolean"}}}]}"#,
            ##"{"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"}, "next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}}, "required": ["value"]}}, "$ref": "#/$defs/node"}"##,
            #"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}"#,
            #"{"type": "object", "additionalProperties": {"type": "number"}}"#,
            #"{"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, {"properties": {"b": {"type": "string", "format": "uuid"}}}]}"#,
            #"{"type": "string", "pattern": "^(?:[A-Z]{2,3}|x+)-\\d{1,4}(\\.[a-z_]+)?$"}"#,
        ])
    func grammarsCompile(schemaText: String) async throws {
        let grammar = try JSONSchemaGrammar.grammar(for: try JinjaJSON.parse(schemaText))
        let session = try await InferenceSession(
            model: try await Self.model.value, options: SessionOptions(contextLength: 256))
        let completion = try await session.complete(
            .text("JSON:"), options: GenerationOptions(maxTokens: 64, grammar: Grammar(grammar)))
        #expect(!completion.text.isEmpty)
    }

    @Test("unsupported keywords are refused with their path, or dropped when asked")
    func unsupportedKeywords() throws {
        let schema = try JinjaJSON.parse(#"{"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}}"#)
        #expect(throws: JSONSchemaGrammar.Unsupported(path: "#/properties/n", keyword: "minimum")) {
            try JSONSchemaGrammar.grammar(for: schema)
        }
        let lenient = try JSONSchemaGrammar.grammar(for: schema, ignoringUnsupportedKeywords: true)
        #expect(lenient.contains("integer"))
        #expect(throws: JSONSchemaGrammar.Unsupported.self) {
            try JSONSchemaGrammar.grammar(for: try JinjaJSON.parse(#"{"type": "string", "pattern": "(a)\\1"}"#))
        }
        #expect(throws: JSONSchemaGrammar.Unsupported.self) {
            try JSONSchemaGrammar.grammar(for: try JinjaJSON.parse(#"{"not": {"type": "string"}}"#))
        }
    }

    @Test("the validator reports what is wrong and where")
    func validator() throws {
        let validator = JSONSchemaValidator(schema: try JinjaJSON.parse(Self.userSchema))
        let good = try JinjaJSON.parse(
            #"{"name": "Ada", "role": "admin", "age": 36, "address": {"city": "Paris", "zip": "75001"}, "tags": ["x"], "active": true}"#
        )
        #expect(validator.problems(in: good) == [])
        let bad = try JinjaJSON.parse(
            #"{"name": "", "role": "boss", "age": 1.5, "address": {"city": "Paris", "zip": "7500"}, "tags": [], "active": true, "extra": 1}"#
        )
        let problems = validator.problems(in: bad)
        #expect(problems.contains("$.name: shorter than 1 characters"))
        #expect(problems.contains { $0.hasPrefix("$.role: 'boss' is not one of") })
        #expect(problems.contains("$.age: expected integer, got float"))
        #expect(problems.contains("$.address.zip: does not match the pattern ^[0-9]{5}$"))
        #expect(problems.contains("$.tags: fewer than 1 items"))
        #expect(problems.contains("$: unexpected property 'extra'"))
    }
}
