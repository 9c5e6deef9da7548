#if canImport(Glibc)
import Glibc
#endif

/// A first argument that is no file but nearly a subcommand's name (`lede-train evalute ...`): without
/// this check it would be taken as the default subcommand's data file and fail with an unrelated message.
public enum MistypedSubcommand {
    /// The subcommand `word` is a slip for: at most two edits away (or a prefix of it), when `word` names
    /// no file; nil otherwise.
    public static func suggestion(for word: String, among names: [String], fileExists: (String) -> Bool) -> String? {
        guard !word.hasPrefix("-"), !names.contains(word), !fileExists(word), word.count >= 3 else { return nil }
        let scored = names.map { (name: $0, distance: editDistance(Array(word), Array($0))) }
        if let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= 2 { return best.name }
        return names.first { $0.hasPrefix(word) }
    }

    /// Exits with status 64 and a suggestion when the first argument is a mistyped subcommand.
    public static func refuse(command: String, subcommands: [String],
                              arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        guard let first = arguments.first,
              let name = suggestion(for: first, among: subcommands, fileExists: { access($0, F_OK) == 0 }) else { return }
        Diagnostics.line("\(command): '\(first)' is neither a file nor a command; did you mean '\(name)'? (see '\(command) --help')")
        exit(64)
    }

    /// Levenshtein distance (insertions, deletions, substitutions, and a swap of neighbours as one edit).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
