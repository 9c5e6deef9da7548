#if canImport(Glibc)
import Glibc
#endif

/// Options written the way other tools write them, caught before parsing with a message that names Lede's
/// option instead.
///
/// Swift's argument parser reads `-epoch` as the short flags `-e -p -o -c -h` (and so prints the help
/// with status 0), and `-lr` as `-l -r`. fastText's options are single-dash words: each one maps to
/// Lede's option here, or says why there is none. Any other single-dash word of two or more letters is
/// refused with its two-dash spelling. Arguments after a bare `--` are left alone.
public enum ForeignOptions {
    /// fastText's options and what Lede offers instead.
    public static let fastText: [String: String] = [
        "input": "pass the data file as the first argument (lede-train DATA --output MODEL)",
        "output": "use --output MODEL (the exact path; nothing is appended)",
        "epoch": "no equivalent: Lede's solvers run to convergence (see --tolerance and --max-iterations)",
        "lr": "no equivalent: Lede's solvers choose their own steps; the regularization is -C (or --autotune)",
        "dim": "use --word-vector-dimensions (word vectors learned from the training text, --word-vectors on|off|auto)",
        "wordNgrams": "use --ngrams 1...N (fastText's -wordNgrams N means lengths 1 to N; Lede's --ngrams N means N only)",
        "thread": "use --threads",
        "minCount": "use --min-df (a count of documents, not of occurrences)",
        "loss": "use --loss squared-hinge|logistic; fastText's softmax is --single-label, ova is --multi-label",
        "bucket": "use --hash-bits B (a hashing space of 2^B columns)",
        "minn": "no equivalent: Lede uses word n-grams, not character n-grams",
        "maxn": "no equivalent: Lede uses word n-grams, not character n-grams",
        "label": "no equivalent: fastText files are read with their __label__ prefix (--format fasttext)",
        "verbose": "use --quiet for no progress (progress is shown on a terminal by default)",
        "pretrainedVectors": "no equivalent: word vectors are learned from the training text (--word-vectors on)",
        "autotuneValidation": "use --autotune (C chosen by cross-validation) and --validation FILE for the report",
    ]

    /// The problems with `arguments` (without the program name), each a message for stderr; empty when
    /// there are none. `shortOptions` are the command's own single-letter options, which stay valid.
    public static func problems(in arguments: [String], shortOptions: Set<Character>) -> [String] {
        var problems: [String] = []
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("-"), !argument.hasPrefix("--") else { continue }
            let name = String(argument.dropFirst())
            if let mapping = fastText[name], !(name.count == 1 && shortOptions.contains(name.first!)) {
                problems.append("'\(argument)' is a fastText option: \(mapping)")
                continue
            }
            guard name.count >= 2, name.allSatisfy({ $0.isLetter }) else { continue }
            if name.allSatisfy({ shortOptions.contains($0) }) { continue }  // grouped short flags, such as -qh
            problems.append("unknown option '\(argument)': long options take two dashes ('--\(name)'); see --help")
        }
        return problems
    }

    /// Prints the problems as `command: message` lines and exits with status 64 (usage) if there are any.
    public static func refuseForeignOptions(command: String, shortOptions: Set<Character>,
                                            arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        let found = problems(in: arguments, shortOptions: shortOptions)
        guard !found.isEmpty else { return }
        for problem in found { Diagnostics.line("\(command): \(problem)") }
        Diagnostics.line("\(command): see '\(command) --help' for every option")
        exit(64)
    }
}
