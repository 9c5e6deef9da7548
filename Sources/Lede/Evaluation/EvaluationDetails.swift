/// Every evaluated document's scores, truth and prediction, and a snippet of its text: what an
/// `HTMLReport` draws its curves, histograms, confusion matrix and worst errors from.
public struct EvaluationDetails: Sendable {
    public let labels: [String]
    public let multiLabel: Bool
    /// The thresholds in force, and whether decisions used them (single-label models take the top label).
    public let thresholds: [Float]
    public let thresholded: Bool
    /// Row-major, documents x labels.
    public private(set) var probabilities: [Float] = []
    public private(set) var truth = LabelSets()
    public private(set) var predicted = LabelSets()
    public private(set) var ids: [String] = []
    public private(set) var snippets: [String] = []
    /// Characters of each document's text kept for the report.
    public static let snippetLength = 200

    public init(labels: [String], multiLabel: Bool, thresholds: [Float], thresholded: Bool) {
        self.labels = labels
        self.multiLabel = multiLabel
        self.thresholds = thresholds
        self.thresholded = thresholded
    }

    public var count: Int { ids.count }

    public mutating func append(id: String, text: [UInt8], probabilities p: UnsafeBufferPointer<Float>, truth: [Int],
                                predicted: [Int]) {
        ids.append(id)
        let head = String(decoding: text.prefix(EvaluationDetails.snippetLength * 4), as: UTF8.self)
        snippets.append(head.count > EvaluationDetails.snippetLength ? String(head.prefix(EvaluationDetails.snippetLength)) + "…" : head)
        probabilities.append(contentsOf: p)
        self.truth.append(truth)
        self.predicted.append(predicted)
    }

    /// Label `label`'s probability for every document.
    public func scores(of label: Int) -> [Float] {
        stride(from: label, to: probabilities.count, by: labels.count).map { probabilities[$0] }
    }
}
