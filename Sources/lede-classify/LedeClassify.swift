import ArgumentParser
import Foundation
import Lede
import LedeCommandLine

struct LedeClassify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lede-classify",
        abstract: "Classify article files with a Lede model, fast.",
        discussion: """
        Writes exactly one record per input document, in input order. A
        document that cannot be scored (unreadable, empty, binary, not UTF-8, a
        malformed JSONL/TSV line) gets a record with "error" instead of scores,
        and the exit status is 1 at the end.

        Inputs (--input-format):
          files   each regular file is one document, id = its path;
                  directories are walked in sorted order; '-' reads standard
                  input as one document (the default without INPUT)
          lines   one document per line, id = line number ('path:line' with
                  several inputs)
          jsonl   {"id": "...", "text": "..."} per line (id: the line number
                  when absent)
          tsv     id<TAB>text per line (not lede-train's labels<TAB>text:
                  score a labeled file with 'lede-train evaluate')
        With --html, each document is an HTML page: its text is classified.
        A .jsonl, .tsv or .csv file in files mode is one document: a note on
        stderr names the option that splits it.

        Live input (a pipe or a terminal): each record is written as soon as
        its line is in, e.g. tail -f feed.jsonl | lede-classify --input-format
        jsonl -. Waiting on a terminal, it says so; Ctrl-D ends the input.

        Output (--output-format):
          jsonl   {"id": "a.txt", "labels": ["sanctions"],
                   "scores": {"conflict": 0.0312, "sanctions": 0.96504, ...}}
                  (with --explain N, also "explain": {label: [[term, weight]]})
          tsv     a header, then id, labels (comma-joined), one score column
                  per label, error

        A multi-label model predicts every label whose probability reaches its
        threshold (tuned at training; see 'lede-train inspect'); a
        single-label model predicts the most probable label.

        Scores have --precision significant digits (default 6), as printf's
        %.6g writes them, so that a label far below the top one still ranks.

        Ids are valid JSON strings: a file name byte that is not UTF-8 is
        written as the escape \\udcXX (Python: os.fsencode(id) gives the name
        back). A line ends at LF, CRLF or a lone CR. FIFOs and devices are
        refused (pipe them to '-'). SIGINT, SIGTERM and SIGHUP stop the run
        between records (exit status 128 + the signal's number); the records
        written by then are whole.

        Examples:
          lede-classify datasets/samples/
          lede-classify --model news.lede --input-format lines big.txt \\
              > predictions.jsonl
          cat article.txt | lede-classify --top-k 1
          lede-classify --html saved-pages/ --explain 5
          lede-classify --input-format jsonl articles.jsonl --json-summary \\
              > labels.jsonl
        """,
        version: Lede.version
    )

    @Option(name: .shortAndLong, help: "Model file (default: $LEDE_MODEL, else the shipped topic model beside the command: PREFIX/share/lede/ when installed, models/ in a source tree).")
    var model: String?

    @Argument(help: "Files, directories, or '-' for standard input.")
    var inputs: [String] = []

    @Option(name: .customLong("input-format"), help: ArgumentHelp("How inputs split into documents (default: files); tsv is id<TAB>text, not lede-train's labels<TAB>text.", valueName: "format"))
    var inputFormatOption: InputFormat?

    var inputFormat: InputFormat { inputFormatOption ?? .files }

    @Option(help: "How records are written.")
    var outputFormat = RecordFormatter.Format.jsonl

    @Option(help: "Probability threshold for every label, overriding the model's per-label thresholds.")
    var threshold: Float?

    @Option(help: ArgumentHelp("Significant digits of the scores, 1 to 9, as printf's %.Ng writes them (0.998512, 0.0312, 1.23457e-05), so that a label far below the top one still ranks.", valueName: "digits"))
    var precision: Int = ScoreFormat.defaultDigits

    @Option(help: "Predict at most K labels per document (for a single-label model: the K most probable).")
    var topK: Int?

    @Option(help: ArgumentHelp("Explain each predicted label by its N strongest terms and their contributions (tf-idf weight x coefficient) to the label's score (JSONL output).", valueName: "n"))
    var explain: Int = 0

    @Flag(help: "With --explain: explain every label, not only the predicted ones.")
    var explainAll = false

    @Option(help: "Threads (default: all cores; at most the cores available). The output does not depend on it.")
    var threads: Int = Parallel.availableCores

    @Option(help: ArgumentHelp("The most bytes one document (a file, a line, or standard input) may have; a larger one gets an error record.", valueName: "bytes"))
    var maxDocumentBytes: Int = BatchClassifier.defaultMaxDocumentBytes

    @Flag(name: .shortAndLong, help: "No progress or summary on stderr.")
    var quiet = false

    @Flag(help: "End with a one-line JSON summary on stderr (documents, errors, bytes, seconds, rates), for scripts.")
    var jsonSummary = false

    @Flag(help: "Inputs are HTML pages: drop tags, scripts and styles and decode entities before classifying.")
    var html = false

    func validate() throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1") }
        if explain < 0 { throw ValidationError("--explain must be a number of terms, such as 5") }
        if explain > 0 && outputFormat != .jsonl { throw ValidationError("--explain writes JSON: use it with --output-format jsonl") }
        if explainAll && explain == 0 { throw ValidationError("--explain-all needs --explain N (the number of terms per label)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if !ScoreFormat.digitRange.contains(precision) { throw ValidationError("--precision must be 1 to 9 significant digits") }
        if maxDocumentBytes < 1 { throw ValidationError("--max-document-bytes must be at least 1") }
    }

    func run() throws {
        let start = DispatchTime.now()
        // From here on, SIGINT, SIGTERM and SIGHUP end the run between whole records, with 128 + N.
        Interruption.install()
        let showProgress = !quiet && !jsonSummary && isatty(2) == 1 && isatty(1) == 0  // records on the terminal are progress enough
        let classifier = BatchClassifier(model: loadModel(), options: classifierOptions(showingProgress: showProgress))
        let output = StandardOutput()
        var lastProgress = DispatchTime.now()
        sayWhatIsRead()
        do {
            try classifier.run(paths: RawArguments.paths(of: inputs), format: inputFormat, write: { records in
                // Stop between whole records when interrupted: the output never ends in half a line.
                try Interruption.check()
                try output.write(records)
            }, flush: { try output.flush() }, progress: { totals in
                guard showProgress else { return }
                let now = DispatchTime.now()
                guard now.uptimeNanoseconds - lastProgress.uptimeNanoseconds > 500_000_000 else { return }
                lastProgress = now
                Diagnostics.write(Progress.line(documents: totals.documents, bytes: totals.bytes,
                                                expectedBytes: totals.expectedBytes, seconds: Self.seconds(since: start)))
            })
            try output.flush()
        } catch let interruption as Interruption.Requested {
            try? output.flush()
            Diagnostics.line("\nlede-classify: interrupted (signal \(interruption.signal)); the records written so far are complete")
            Foundation.exit(interruption.exitStatus)
        } catch {
            exitWith(error)
        }
        summarize(classifier.totals, seconds: Self.seconds(since: start), afterProgress: showProgress)
        if classifier.totals.errors > 0 { throw ExitCode(1) }
    }

    /// The model of `--model`, `$LEDE_MODEL` or the shipped one; exits with the reason when it cannot load.
    private func loadModel() -> LedeModel {
        do {
            return try ModelFile.load(try model ?? ShippedModel.locate())
        } catch {
            exitWith(error)
        }
    }

    private func classifierOptions(showingProgress: Bool) -> BatchClassifier.Options {
        var options = BatchClassifier.Options()
        options.estimatesTotalBytes = showingProgress
        options.threads = min(threads, Parallel.availableCores)
        if threads > Parallel.availableCores && !quiet {
            Diagnostics.line("lede-classify: note: --threads \(threads) capped at the \(Parallel.availableCores) cores available")
        }
        options.maxDocumentBytes = maxDocumentBytes
        options.threshold = threshold
        options.topK = topK
        options.scoreDigits = precision
        options.format = outputFormat
        options.explain = explain
        options.explainAll = explainAll
        options.html = html
        return options
    }

    /// Notes on data files read whole, and on waiting for a terminal.
    private func sayWhatIsRead() {
        guard !quiet else { return }
        if inputFormatOption == nil {
            for note in DataFileNote.notes(for: inputs) { Diagnostics.line("lede-classify: note: \(note)") }
        }
        if isatty(0) == 1 && inputs.allSatisfy({ $0 == "-" }) {
            let unit = inputFormat == .files ? "one document" : "one document per line, each classified as it comes"
            Diagnostics.line("lede-classify: reading standard input (\(unit)); end it with Ctrl-D, or pass files (see --help)")
        }
    }

    /// The closing line on standard error (or the JSON summary).
    private func summarize(_ totals: BatchClassifier.Totals, seconds: Double, afterProgress: Bool) {
        let docsPerSecond = Double(totals.documents) / max(seconds, 1e-9), megabytes = Double(totals.bytes) / 1e6
        if jsonSummary {
            Diagnostics.write(String(format: "{\"documents\": %d, \"errors\": %d, \"bytes\": %d, \"seconds\": %.3f, \"docs_per_second\": %.0f, \"mb_per_second\": %.2f}\n",
                                     totals.documents, totals.errors, totals.bytes, seconds, docsPerSecond, megabytes / max(seconds, 1e-9)))
        } else if !quiet {
            Diagnostics.write(String(format: "%@classified %@ (%@), %.1f MB in %.2f s: %.0f docs/s, %.1f MB/s\n",
                                     afterProgress ? "\r" : "", counted(totals.documents, "document"), counted(totals.errors, "error"),
                                     megabytes, seconds, docsPerSecond, megabytes / max(seconds, 1e-9)))
        }
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

func exitWith(_ error: Error) -> Never {
    Diagnostics.exit("lede-classify", error, status: 2)
}

/// The command line's inputs as the bytes the shell passed: Swift's `CommandLine.arguments` repairs bytes
/// that are not UTF-8, which would name another file (or none).
enum RawArguments {
    /// The raw argument behind each of `parsed` (in order), matched by its repaired spelling; an argument
    /// that spells the same as UTF-8 is used as it is.
    static func paths(of parsed: [String]) -> [RawPath] {
        var raw: [String: [RawPath]] = [:]
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
            raw[String(decoding: bytes, as: UTF8.self), default: []].append(RawPath(bytes: bytes))
        }
        return parsed.map { argument in
            guard var candidates = raw[argument], !candidates.isEmpty else { return RawPath(argument) }
            let first = candidates.removeFirst()
            raw[argument] = candidates
            return first
        }
    }
}
