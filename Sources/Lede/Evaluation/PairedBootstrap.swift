/// The paired bootstrap of two models' decisions on the same documents (Efron and Tibshirani 1993; for
/// comparing systems, Koehn 2004): draw the documents with replacement `resamples` times and count the
/// draws in which the second model scores higher than the first; that fraction estimates the probability
/// that the second is better on data like this. Scores are `EvaluationReport.selectionScore`, computed as
/// `MetricsAccumulator` does.
public struct PairedBootstrap: Sendable {
    /// One model's decisions: per document and label, 0 (true negative), 1 (true positive), 2 (false
    /// positive) or 3 (false negative); and per document whether the label set was exactly right.
    public struct Decisions: Sendable {
        public let labels: Int
        public private(set) var outcomes: [UInt8] = []
        public private(set) var exact: [Bool] = []

        public init(labels: Int) { self.labels = labels }

        public var documents: Int { exact.count }

        public mutating func add(predicted: [Int], truth: [Int]) {
            for label in 0..<labels {
                let p = predicted.contains(label), t = truth.contains(label)
                outcomes.append(p ? (t ? 1 : 2) : (t ? 3 : 0))
            }
            exact.append(Set(predicted) == Set(truth))
        }

        /// The counts of the documents `draws` (repeats count again), named by `labels`.
        public func metrics<S: Sequence<Int>>(of draws: S, labels names: [String]) -> MetricsAccumulator {
            var counts = [LabelCounts](repeating: LabelCounts(), count: labels)
            var documents = 0, exactMatches = 0
            for d in draws {
                documents += 1
                if exact[d] { exactMatches += 1 }
                for label in 0..<labels {
                    switch outcomes[d * labels + label] {
                    case 1: counts[label].truePositives += 1
                    case 2: counts[label].falsePositives += 1
                    case 3: counts[label].falseNegatives += 1
                    default: break
                    }
                }
            }
            return MetricsAccumulator(labels: names, counts: counts, documents: documents, exactMatches: exactMatches)
        }

        /// The report on every document, as `MetricsAccumulator` fed the same decisions gives it.
        public func report(labels names: [String]) -> EvaluationReport {
            metrics(of: 0..<documents, labels: names).report
        }
    }

    /// A fraction above this keeps the second model (the one with more features: it must be better in
    /// nine resamples out of ten to be worth its cost).
    public static let confidence = 0.90

    /// The fraction of `resamples` draws in which `second` scores higher than `first` (ties count half).
    public static func fractionSecondBetter(_ first: Decisions, _ second: Decisions, multiLabel: Bool,
                                            resamples: Int = 1000, seed: UInt64 = 1) -> Double {
        precondition(first.documents == second.documents && first.labels == second.labels)
        let n = first.documents
        guard n > 0 else { return 0.5 }
        var draws = BootstrapDraws(seed: seed, documents: n)
        var resample = [Int](repeating: 0, count: n)
        let names = (0..<first.labels).map(String.init)  // the scores need no label names; any will do
        var wins = 0.0
        for _ in 0..<resamples {
            for i in 0..<n { resample[i] = draws.next() }
            let a = score(first, resample, names: names, multiLabel: multiLabel)
            let b = score(second, resample, names: names, multiLabel: multiLabel)
            wins += b > a ? 1 : b == a ? 0.5 : 0
        }
        return wins / Double(resamples)
    }

    /// The criterion on the documents `draws` (with repeats); `names` label the report it is read from.
    static func score(_ decisions: Decisions, _ draws: [Int], names: [String], multiLabel: Bool) -> Double {
        decisions.metrics(of: draws, labels: names).report.selectionScore(multiLabel: multiLabel)
    }
}
