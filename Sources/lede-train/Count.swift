import ArgumentParser
import Foundation
import Lede
import LedeCommandLine

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count n-gram document frequencies of a data shard, mergeable with other shards'.",
        discussion: """
        Document frequencies are the only corpus-wide statistic TF-IDF needs.
        Count each shard where it lives (a Spark partition, a machine), merge the
        counts with 'lede-train merge-counts', then train with --counts MERGED: the
        vocabulary and idf are those of one pass over all the shards.

        Examples:
          lede-train count part-0.jsonl --output part-0.counts
          cat part-1.jsonl | lede-train count - --format jsonl --output - \\
              > part-1.counts
          lede-train merge-counts part-*.counts --output all.counts
          lede-train sample.jsonl --counts all.counts --output news.lede
        """
    )

    @Argument(help: "Documents in any labeled format ('-' for standard input, with --format); labels are ignored.")
    var data: String

    @Option(name: .shortAndLong, help: "Where to write the counts ('-': standard output).")
    var output: String

    @Option(help: "Word n-gram lengths: N or MIN...MAX (training must use the same).")
    var ngrams = FeatureSettings().ngramRange

    @OptionGroup var input: DataOptions

    func run() {
        do {
            try OutputPaths.check([.init(option: "--output", path: output)], inputs: [data])
            var settings = FeatureSettings()
            settings.ngramRange = ngrams
            try settings.validate()
            var reader = try input.reader(data)
            reader.requireLabels = false
            let builder = VocabularyBuilder(settings: settings)
            let summary = try reader.forEach { record in record.text.withUnsafeBytes { builder.add($0) } }
            if summary.skipped > 0 {
                printError("skipped \(summary.skipped) invalid records; first: \(summary.firstProblem ?? "")")
            }
            try writeOutput(builder.counts.serialized(), to: output)
        } catch {
            fail(error)
        }
    }
}

struct MergeCounts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-counts",
        abstract: "Merge n-gram counts of several shards (from 'lede-train count') into one file.",
        discussion: """
        The result equals the counts of one pass over all the shards, byte for byte.

        Example:
          lede-train merge-counts part-*.counts --output all.counts
        """
    )

    @Argument(help: "Counts files.")
    var files: [String]

    @Option(name: .shortAndLong, help: "Where to write the merged counts ('-': standard output).")
    var output: String

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one counts file") }
    }

    func run() {
        do {
            try OutputPaths.check([.init(option: "--output", path: output)], inputs: files)
            var merged = try NGramCounts.load(files[0])
            for file in files.dropFirst() {
                do {
                    try merged.merge(try NGramCounts.load(file))
                } catch let error as LedeError where error.file == nil {
                    throw LedeError.invalidData(error.template, file: file)
                }
            }
            try writeOutput(merged.serialized(), to: output)
        } catch {
            fail(error)
        }
    }
}

/// Writes `bytes` to a file atomically, or to standard output for "-".
func writeOutput(_ bytes: [UInt8], to path: String) throws {
    if path == "-" {
        let output = StandardOutput()
        try output.write(bytes)
        try output.flush()
    } else {
        try AtomicFile.write(bytes, to: path)
    }
}
