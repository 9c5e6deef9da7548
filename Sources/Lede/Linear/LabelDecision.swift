/// The rule that turns a document's probabilities into its predicted labels, most probable first.
///
/// Multi-label: every label whose probability reaches its threshold. Single-label: the most probable label
/// (thresholds apply only when one is given for all labels). Ties go to the lower label index.
public struct LabelDecision: Sendable {
    public let multiLabel: Bool
    /// One per label.
    public let thresholds: [Float]

    public init(multiLabel: Bool, thresholds: [Float]) {
        self.multiLabel = multiLabel
        self.thresholds = thresholds
    }

    /// The same decision with the thresholds in storage of its own: one made for each thread shares no
    /// reference count with another thread's (a shared count would bounce between cores on every document).
    public func withOwnStorage() -> LabelDecision {
        LabelDecision(multiLabel: multiLabel, thresholds: thresholds.map { $0 })
    }

    /// The predicted labels' indices for probabilities `p` (one per label), most probable first.
    /// - Parameters:
    ///   - threshold: overrides every label's threshold (and makes single-label models threshold too).
    ///   - topK: keeps at most this many labels; for single-label models, the K most probable.
    public func decide(_ p: UnsafePointer<Float>, threshold: Float? = nil, topK: Int? = nil, into chosen: inout [Int]) {
        chosen.removeAll(keepingCapacity: true)
        let k = thresholds.count
        if !multiLabel && threshold == nil {
            var best = 0
            for label in 1..<max(k, 1) where p[label] > p[best] { best = label }
            chosen.append(best)
            if let topK, topK > 1 {
                chosen = Array((0..<k).sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }.prefix(topK))
            }
            return
        }
        for label in 0..<k where p[label] >= (threshold ?? thresholds[label]) {
            chosen.append(label)
        }
        chosen.sort { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
        if let topK, chosen.count > topK { chosen.removeLast(chosen.count - topK) }
    }
}
