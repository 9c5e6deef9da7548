import ArgumentParser
import Foundation
import Lede
import LedeCommandLine

struct LedeTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lede-train",
        abstract: "Train, evaluate and inspect Lede text classifiers.",
        discussion: """
        Train a TF-IDF + linear classifier on labeled documents and write a
        model file that lede-classify uses.

        Examples:
          lede-train datasets/topics/train.jsonl \\
              --validation datasets/topics/dev.jsonl --output topics.lede
          lede-train corpus.tsv --output news.lede --ngrams 1...2 -C 1
          lede-train evaluate models/topics.lede datasets/topics/dev.jsonl
          lede-train inspect models/topics.lede --top 15

        Shell completions: lede-train --generate-completion-script bash
        """,
        version: Lede.version,
        subcommands: [Train.self, Evaluate.self, Inspect.self, Count.self, MergeCounts.self],
        defaultSubcommand: Train.self
    )
}

/// Prints an error as `lede-train: message` and exits with status 1 (2 for usage errors).
func fail(_ error: Error) -> Never {
    Diagnostics.exit("lede-train", error, status: (error as? LedeError)?.kind == .invalidOption ? 2 : 1)
}

func printError(_ text: String) {
    Diagnostics.line(text)
}
