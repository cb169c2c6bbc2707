// Stop-string matching on the decoded bytes of a completion (not on tokens, since a stop string may
// span token boundaries), as OpenAI servers and vLLM do: the text ends before the earliest match and
// the stop string itself is dropped.

/// Finds the earliest occurrence of any stop string in a growing byte buffer.
public struct StopStringMatcher: Sendable {
    private let stops: [[UInt8]]
    /// The longest stop string, in bytes.
    public let longest: Int

    /// A matcher for `stops` (empty strings are ignored).
    public init(_ stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
        longest = self.stops.map(\.count).max() ?? 0
    }

    /// The byte offset where a stop string starts, looking only at matches that end within the bytes
    /// added since `previousCount` (earlier ones were checked before).
    public func firstMatch(in bytes: [UInt8], previousCount: Int) -> Int? {
        guard longest > 0 else { return nil }
        let from = max(0, previousCount - longest + 1)
        var best: Int?
        for stop in stops where stop.count <= bytes.count {
            var start = from
            while start + stop.count <= bytes.count {
                if best.map({ start >= $0 }) ?? false { break }
                if bytes[start] == stop[0] && bytes[start..<(start + stop.count)].elementsEqual(stop) {
                    best = start; break
                }
                start += 1
            }
        }
        return best
    }
}
