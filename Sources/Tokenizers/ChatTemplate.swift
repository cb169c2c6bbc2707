// Chat prompts without a Jinja engine: ChatML as SmolLM2's and Qwen2.5's templates render it
// (transformers apply_chat_template), including the default system prompt each template inserts
// when the conversation has none; Gemma's turns (<start_of_turn>user … <end_of_turn>, assistant → model, the
// system message prefixed to the first user turn); a plain "role: content" fallback otherwise.

/// Renders chat messages for one model.
struct ChatTemplate: Sendable {
    let source: String?
    let hasChatML: Bool
    var hasGemmaTurns = false

    /// The default system message the template inserts when the first message is not a system one.
    var defaultSystem: String? {
        guard let s = source else { return nil }
        // The template text spells the newline either as a real newline or as the two characters "\n".
        for marker in ["<|im_start|>system\n", "<|im_start|>system\\n"] {
            var rest = Substring(s)
            while let r = rest.range(of: marker) {
                let after = rest[r.upperBound...]
                if let end = after.range(of: "<|im_end|>") {
                    let body = after[..<end.lowerBound]
                    if !body.contains("{") && !body.contains("'") && !body.isEmpty { return String(body) }
                }
                rest = after
            }
        }
        return nil
    }

    func render(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> String {
        var out = ""
        if hasChatML || source?.contains("<|im_start|>") == true {
            if messages.first?.role != "system", let sys = defaultSystem {
                out += "<|im_start|>system\n\(sys)<|im_end|>\n"
            }
            for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
            return out
        }
        if hasGemmaTurns {
            var pendingSystem: String? = nil
            for m in messages {
                if m.role == "system" { pendingSystem = m.content; continue }
                let role = m.role == "assistant" ? "model" : m.role
                let content = pendingSystem.map { "\($0)\n\n\(m.content)" } ?? m.content
                pendingSystem = nil
                out += "<start_of_turn>\(role)\n\(content)<end_of_turn>\n"
            }
            if addGenerationPrompt { out += "<start_of_turn>model\n" }
            return out
        }
        for m in messages { out += "\(m.role): \(m.content)\n\n" }
        if addGenerationPrompt { out += "assistant: " }
        return out
    }
}
