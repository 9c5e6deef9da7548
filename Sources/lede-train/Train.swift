import ArgumentParser
import Foundation
import Lede
import LedeCommandLine

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on labeled data (the default command).",
        discussion: """
        DATA is a labeled file or directory:
          jsonl     {"text": "...", "labels": ["a", "b"]} or "label": "a",
                    optional "id", one per line
          tsv       LABELS<TAB>TEXT, labels joined by commas (empty: no label)
          csv       RFC 4180 with a header (--text-column, --label-column)
          fasttext  __label__a __label__b text
          dir       one sub-directory per label, one document per file
        The format comes from the extension or the first line; --format
        overrides.

        The model is linear on TF-IDF word n-grams: by default one
        L2-regularized squared-hinge SVM per label (scikit-learn's LinearSVC),
        or logistic regression with --loss logistic. It is single-label
        (softmax, the most probable label wins) when every document has exactly
        one label, multi-label (a sigmoid and a threshold per label) when any
        has none or several (--multi-label/--single-label force it).

        Cross-validation (--folds) gives every training document a score from a
        model that did not see it; those scores calibrate the probabilities and
        choose each label's F1-maximizing threshold. A single-label model needs
        one number, its softmax temperature: it holds out one fold only.
        --autotune also picks C among 0.1, 0.3, 1, 3, 10 (about 5x the time).

        The report printed at the end is on --validation FILE (or a held-out
        --validation-fraction of DATA), else the cross-validated one. The same
        data, options and --seed give a byte-identical model, whatever
        --threads. Progress goes to stderr when it is a terminal.

        Examples:
          lede-train news.jsonl --output news.lede
          lede-train train.tsv --validation dev.tsv --output news.lede \\
              --report dev-report.html
          lede-train articles/ --format dir --output news.lede --autotune
          lede-train data.csv --text-column body --label-column topics \\
              --output news.lede --class-weight balanced
        """
    )

    @Argument(help: "Labeled training data: a file, or a directory with one sub-directory per label.")
    var data: String

    @Option(name: .shortAndLong, help: "Where to write the model file (written atomically).")
    var output: String

    @Option(help: "Labeled validation data for the report (same formats as DATA).")
    var validation: String?

    @Option(help: "Fraction of DATA held out for the report when --validation is not given (0: report the cross-validation).")
    var validationFraction: Double = 0

    @OptionGroup var input: DataOptions

    @Option(help: "Word n-gram lengths: N or MIN...MAX.")
    var ngrams = FeatureSettings().ngramRange

    @Option(help: "Drop terms in fewer documents: a count (2) or a fraction (0.001).")
    var minDf = FeatureSettings().minDF

    @Option(help: "Drop terms in more documents: a count or a fraction (1.0 keeps all).")
    var maxDf = FeatureSettings().maxDF

    @Option(help: "Keep only this many terms, the most frequent.")
    var maxFeatures: Int?

    @Option(help: "Use a hashing space of 2^BITS columns instead of a vocabulary.")
    var hashBits: Int?

    @Flag(inversion: .prefixedNo, help: "Sublinear term frequency, 1 + ln(count).")
    var sublinearTf = true

    @Flag(inversion: .prefixedNo, help: "Smooth idf: ln((1 + n) / (1 + df)) + 1.")
    var smoothIdf = true

    @Option(help: "Vector normalization: l2 divides by the Euclidean length, l1 by the sum of absolute values.")
    var norm = FeatureSettings().norm

    @Option(help: "Loss: squared-hinge trains linear SVMs, logistic trains logistic regression.")
    var loss = TrainingOptions().loss

    @Option(name: .customShort("C"), help: "Regularization: weight of each document's loss against ||w||^2/2 (scikit-learn's C); smaller is smoother.")
    var c: Double = TrainingOptions().c

    @Flag(help: "Choose C by cross-validation among 0.1, 0.3, 1, 3, 10.")
    var autotune = false

    @Option(help: "Class weighting: balanced scales C by N / (2 N+) and N / (2 N-) per label.")
    var classWeight = TrainingOptions().classWeighting

    @Option(help: "Squared hinge: scale each label's features by their naive Bayes log-count ratios (NBSVM); auto: on for single-label models, chosen per label by cross-validation for multi-label ones.")
    var nbScaling = TrainingOptions().naiveBayesScaling

    @Option(help: "Word-vector features: vectors learned from the training text (co-occurrence PPMI, truncated SVD), whose normalized tf-idf-weighted sum per document joins the features. auto: up to 5,000 training documents, trains both ways and keeps them when they score higher in over 90% of paired bootstrap resamples of the cross-validated decisions; off on larger data.")
    var wordVectors = TrainingOptions().wordVectors

    @Option(help: "Dimensions of the word vectors. Scoring reads each distinct word's row, its codes rounded up to 8 plus a 4-byte scale, in 64-byte lines: 120 take two, 300 five.")
    var wordVectorDimensions: Int = TrainingOptions().wordVectorDimensions

    @Option(help: "Length of the word-vector features against the unit-length tf-idf vector.")
    var wordVectorWeight: Float = TrainingOptions().wordVectorWeight

    @Option(help: "Cross-validation folds for calibration, thresholds and the report (0: none).")
    var folds: Int = TrainingOptions().folds

    @Option(help: "SVM solver stopping tolerance.")
    var tolerance: Double = TrainingOptions().tolerance

    @Option(help: "Maximum L-BFGS iterations (logistic loss).")
    var maxIterations: Int = TrainingOptions().maxIterations

    @Option(help: "Seed for the folds, the validation split and the solver's order.")
    var seed: UInt64 = 1

    @Option(help: "Threads (default: all cores). The model does not depend on it.")
    var threads: Int = Parallel.availableCores

    @Flag(help: "Force one-vs-rest sigmoids (documents may have any number of labels).")
    var multiLabel = false

    @Flag(help: "Force softmax (each document has exactly one label).")
    var singleLabel = false

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    @Flag(help: "Print the validation report as JSON on stdout.")
    var json = false

    @Flag(help: "End with a one-line JSON summary on stderr (model, labels, features, documents, seconds), for scripts.")
    var jsonSummary = false

    @Option(help: ArgumentHelp("Write the documents --validation-fraction held out to this file as JSONL (id, text, labels), so that 'lede-train evaluate MODEL FILE' repeats the report.", valueName: "file"))
    var saveHeldOut: String?

    @Option(help: "Also write an HTML report with charts on the held-out documents (--validation FILE, or the --validation-fraction of DATA) to this file.")
    var report: String?

    @Option(help: "Take the vocabulary and idf from these n-gram counts ('lede-train count', merged) instead of DATA.")
    var counts: String?

    func validate() throws {
        if report != nil && validation == nil && validationFraction <= 0 {
            throw ValidationError("--report draws held-out documents: give --validation FILE or --validation-fraction F, or run 'lede-train evaluate MODEL DATA --report FILE' later")
        }
        if saveHeldOut != nil && (validation != nil || validationFraction <= 0) {
            throw ValidationError("--save-held-out writes the documents --validation-fraction F holds out of DATA: give a fraction (and no --validation)")
        }
        if (report != nil || saveHeldOut != nil) && validation == nil && data == "-" {
            throw ValidationError("--report and --save-held-out with --validation-fraction read DATA a second time: pass a file, not standard input")
        }
        if multiLabel && singleLabel { throw ValidationError("--multi-label and --single-label exclude each other") }
    }

    func options() throws -> TrainingOptions {
        var options = TrainingOptions()
        options.features.ngramRange = ngrams
        options.features.minDF = minDf
        options.features.maxDF = maxDf
        options.features.maxFeatures = maxFeatures
        options.features.hashBits = hashBits
        options.features.sublinearTF = sublinearTf
        options.features.smoothIDF = smoothIdf
        options.features.norm = norm
        options.loss = loss
        options.c = c
        options.autotune = autotune
        options.classWeighting = classWeight
        options.folds = folds
        options.wordVectors = wordVectors
        options.wordVectorDimensions = wordVectorDimensions
        options.wordVectorWeight = wordVectorWeight
        options.naiveBayesScaling = nbScaling
        options.tolerance = tolerance
        options.maxIterations = maxIterations
        options.seed = seed
        options.threads = threads
        options.multiLabel = multiLabel ? true : singleLabel ? false : nil
        options.validationFraction = validation == nil ? validationFraction : 0
        try options.validate()
        return options
    }

    func reader(_ path: String) throws -> LabeledDataReader { try input.reader(path) }

    func run() {
        do {
            let start = Date()
            try OutputPaths.check([.init(option: "--output", path: output)] + (report.map { [.init(option: "--report", path: $0)] } ?? [])
                                  + (saveHeldOut.map { [.init(option: "--save-held-out", path: $0)] } ?? []),
                                  inputs: [data] + [validation, counts].compactMap { $0 })
            // Progress only for a person watching; notes (e.g. ignored labels) always.
            let watching = !quiet && isatty(2) == 1
            let trainingOptions = try options()
            let trainer = Trainer(options: trainingOptions, naming: .commandLine, progress: { message in
                if watching || (!quiet && message.hasPrefix("note:")) { printError(message) }
            })
            let outcome = try trainer.train(try reader(data), validation: try validation.map(reader),
                                            counts: try counts.map(NGramCounts.load))
            try ModelFile.write(outcome.model, to: output)
            if let path = report {
                // The held-out documents: the --validation file, or the --validation-fraction of DATA training left out.
                let (summary, _, details) = try validation.map { try Evaluator.evaluate(outcome.model, on: try reader($0), details: true) }
                    ?? Evaluator.evaluate(outcome.model, on: try reader(data), details: true, including: trainingOptions.isHeldOut)
                let source = validation ?? "the \(validationFraction) of \(data) held out (seed \(seed))"
                try writeReport(summary, details!, title: "Lede: \(output) on \(source)", to: path)
            }
            if let path = saveHeldOut { try writeHeldOut(to: path, heldOut: trainingOptions.isHeldOut) }
            let seconds = Date().timeIntervalSince(start)
            if !quiet && !jsonSummary {
                let dense = outcome.model.wordVectors.map { " + \($0.dimensions) word-vector dimensions" } ?? ""
                printError(String(format: "wrote %@ (%d labels, %d term features%@) in %.1f s", output, outcome.model.labels.count,
                                  outcome.model.metadata.columns, dense, seconds))
            }
            // What training chose by itself is said whether or not a person watches (the JSON summary holds it too).
            if !quiet && !jsonSummary { printError("decided: \(outcome.decisions.summary)") }
            if outcome.trainingSummary.skipped > 0 {
                printError("skipped \(outcome.trainingSummary.skipped) invalid records; first: \(outcome.decisions.firstSkipped ?? "")")
            }
            if json, let report = outcome.report {
                print(String(decoding: try reportJSON(report), as: UTF8.self))
            } else if let report = outcome.report {
                let source = outcome.model.metadata.training?.validation != nil ? "validation" : "cross-validated"
                print("\(source) report (\(counted(report.documents, "document"))):")
                print(report.table())
            }
            if jsonSummary {
                struct Summary: Encodable {
                    let model: String, labels: Int, features: Int, trainingDocuments: Int, skipped: Int, seconds: Double
                    let decisions: TrainingDecisions
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let summary = Summary(model: output, labels: outcome.model.labels.count, features: outcome.features,
                                      trainingDocuments: outcome.model.metadata.training?.trainingDocuments ?? 0,
                                      skipped: outcome.trainingSummary.skipped, seconds: (seconds * 1000).rounded() / 1000,
                                      decisions: outcome.decisions)
                printError(String(decoding: try encoder.encode(summary), as: UTF8.self))
            }
        } catch {
            fail(error)
        }
    }
}

extension Train {
    /// Writes the records of DATA that `heldOut` accepts (by index in reading order, as training held
    /// them out) as JSONL: `{"id", "text", "labels"}`; text that is not UTF-8 is repaired (U+FFFD), which
    /// tokenizes the same (either way the byte separates words).
    func writeHeldOut(to path: String, heldOut: (Int) -> Bool) throws {
        var out: [UInt8] = []
        var index = 0
        try reader(data).forEach { record in
            defer { index += 1 }
            guard heldOut(index) else { return }
            let object: [String: Any] = ["id": record.id ?? "\(record.file):\(record.line)",
                                         "text": String(decoding: record.text, as: UTF8.self), "labels": record.labels]
            out.append(contentsOf: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            out.append(0x0A)
        }
        try AtomicFile.write(out, to: path)
    }
}

/// The `--json` form of a report: documents, accuracy, micro, macro, labels.
func reportJSON(_ report: EvaluationReport) throws -> Data {
    struct Output: Encodable {
        let documents: Int
        let accuracy: Double
        let micro: EvaluationReport.Averages
        let macro: EvaluationReport.Averages
        let labels: [String: EvaluationReport.LabelScores]
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(Output(documents: report.documents, accuracy: report.accuracy, micro: report.micro,
                                     macro: report.macro, labels: report.labels))
}
