// Which failures are retried and how long to wait: exponential backoff with jitter ("equal
// jitter" from the AWS Architecture Blog, "Exponential Backoff and Jitter", 2015), and the
// `Retry-After` header of RFC 9110 §10.2.3 (delta-seconds or an HTTP-date).
import Foundation
import Inference

enum RetryPolicy {
    /// Statuses that mean "try again later".
    static func isTransient(status: Int) -> Bool {
        status == 408 || status == 409 || status == 425 || status == 429 || (500...599).contains(status)
    }

    /// The delay before retry number `attempt` (0 = first retry): half of min(cap, base·2^attempt)
    /// fixed plus a random half, so replicas of one burst do not retry in lockstep. A server's
    /// `Retry-After` is honoured (up to `maxRetryAfter`) when it asks for longer.
    static func delay(attempt: Int, retryAfter: Double?, configuration c: EndpointConfiguration,
                      rng: inout SplitMix64) -> Double {
        let exponential = min(c.backoffCap, c.backoffBase * pow(2, Double(min(attempt, 40))))
        let jittered = exponential / 2 + rng.nextUnit() * exponential / 2
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, c.maxRetryAfter))
    }

    /// Parses `Retry-After`: delta-seconds ("2", also "1.5" as some proxies send) or an IMF-fixdate.
    static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return seconds.isFinite ? max(0, seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
