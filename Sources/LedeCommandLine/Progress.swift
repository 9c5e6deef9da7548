import Foundation

/// The progress line a long run rewrites on standard error (`\r`, no newline): documents, megabytes, the
/// rate and, once the total is known, the share done and the time left.
public enum Progress {
    public static func line(documents: Int, bytes: Int, expectedBytes: Int?, seconds: Double) -> String {
        var line = String(format: "\r%d documents, %.1f MB, %.0f docs/s", documents, Double(bytes) / 1e6,
                          Double(documents) / seconds)
        if let expectedBytes, expectedBytes > 0, bytes > 0 {
            let done = min(1, Double(bytes) / Double(expectedBytes))
            line += String(format: ", %.0f%% of %.1f MB, ETA %@", done * 100, Double(expectedBytes) / 1e6,
                           duration(seconds * (1 - done) / max(done, 1e-9)))
        }
        return line + "   "
    }

    /// `1h02m` or `3m07s`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
