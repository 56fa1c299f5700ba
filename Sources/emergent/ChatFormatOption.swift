import EmergentEngine
import EmergentModels
import Foundation

/// The chat format for `model`: the template file given with `--template`, else the model's own template (or the
/// plain transcript for models without one).
func chatFormat(for model: Model, template: String?) throws -> ChatFormat {
    guard let template else { return try ChatFormat.of(model) }
    guard let source = try? String(contentsOfFile: template, encoding: .utf8) else {
        throw CommandFailure(message: "Cannot read the template file '\(template)'.", recovery: "Check the path.")
    }
    let prompt = try ChatTemplate(
        source: source, name: URL(fileURLWithPath: template).lastPathComponent,
        bosToken: model.metadata.specialTokens["bos"]?.text ?? "",
        eosToken: model.metadata.specialTokens["eos"]?.text ?? "")
    return ChatFormat(prompt: prompt, toolCalls: .detect(template: source))
}
