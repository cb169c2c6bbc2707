// Secrets never reach the terminal or a log (issue 22): the one function every text the
// Endpoint module shows (errors, retry lines) passes through. It removes the API key wherever
// a server echoes it (a 400/401/500 body that repeats the Authorization header), the password
// of a URL's user-info (`http://user:pw@host`), and any `Bearer <token>` a body quotes.
import Foundation

/// Redacts secrets from text meant for people.
public enum Redaction {
    /// What replaces a secret.
    public static let mask = "[REDACTED]"

    /// `text` with every occurrence of each secret (4 characters or more; shorter strings would
    /// mask ordinary words), every URL user-info (`scheme://user:pw@` → `scheme://[REDACTED]@`)
    /// and every `Bearer <token>` replaced by `mask`.
    public static func redact(_ text: String, secrets: [String] = []) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: mask)
            // A body may quote the key JSON-escaped or percent-encoded.
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                out = out.replacingOccurrences(of: encoded, with: mask)
            }
        }
        out = out.replacingOccurrences(of: #"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@"'<>]*@"#, with: "$1\(mask)@",
                                       options: .regularExpression)
        out = out.replacingOccurrences(of: #"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]+"#, with: "Bearer \(mask)",
                                       options: .regularExpression)
        return out
    }

    /// The URL as text without its user-info: safe to print.
    public static func display(_ url: URL) -> String {
        redact(url.absoluteString, secrets: [url.password].compactMap { $0 })
    }
}
