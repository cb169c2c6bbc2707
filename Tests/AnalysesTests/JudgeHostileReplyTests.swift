// A judge that answers with a 10 MB reply (issue 22): the reply is cut to the stated bound
// (`JudgeKind.maxReplyBytes`), stored once, and parsed as the capped text.
import Foundation
import Testing
import Inference
import RunStore
@testable import Analyses

/// A judge backend whose every reply is `reply`.
private struct FixedReplyBackend: Backend {
    let modelName = "hostile-judge"
    let reply: String
    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        let reply = self.reply
        return AsyncThrowingStream { continuation in
            for i in requests.indices {
                continuation.yield(IndexedCompletion(index: i, completion: Completion(
                    text: reply, promptTokens: 1, completionTokens: 1, finishReason: .length)))
            }
            continuation.finish()
        }
    }
}

@Suite struct JudgeHostileReplyTests {
    @Test(arguments: [JudgeKind.answerability, .reflection])
    func hugeReplyIsCappedAndStoredOnce(kind: JudgeKind) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("judge-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try RunDatabase(url: dir.appendingPathComponent("run.sqlite"))
        let huge = "1" + String(repeating: " <script>x</script>", count: 10_000_000 / 19)
        let runner = JudgeRunner(backend: FixedReplyBackend(reply: huge))
        let replies = try await runner.replies(kind: kind, items: [JudgeItem(question: "q", response: "r")], database: db)
        #expect(replies.count == 1)
        #expect(replies[0].utf8.count <= kind.maxReplyBytes)
        #expect(huge.hasPrefix(replies[0]))
        let stored = try db.judgments()
        #expect(stored.count == 1)
        #expect(stored.first?.reply == replies[0])
        // The reply is not even stored once in full: the whole store stays far below 10 MB.
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: [.fileSizeKey])
        let bytes = try files.map { try $0.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0 }.reduce(0, +)
        #expect(bytes < 1_000_000)
    }
}
