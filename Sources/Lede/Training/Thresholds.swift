/// Per-label decision thresholds that maximize F1 on held-out scores.
public enum Thresholds {
    /// The threshold maximizing F1 = 2 TP / (2 TP + FP + FN) when predicting `score >= threshold`.
    ///
    /// Candidates are the midpoints between consecutive distinct scores (so a threshold never sits on a
    /// score), plus one above the highest; ties in F1 go to the higher threshold. With fewer than
    /// `minimumPositives` positive examples the estimate would be noise, and `fallback` is returned.
    public static func bestF1(scores: [Float], positives: [Bool], minimumPositives: Int = 1,
                              fallback: Float = 0.5) -> (threshold: Float, f1: Double) {
        precondition(scores.count == positives.count)
        let totalPositives = positives.lazy.filter { $0 }.count
        guard totalPositives > 0, totalPositives >= minimumPositives else { return (fallback, 0) }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0, predicted = 0
        var best = (threshold: fallback, f1: 0.0)
        var i = 0
        while i < order.count {
            let score = scores[order[i]]
            // Take every example with this exact score together.
            while i < order.count && scores[order[i]] == score {
                if positives[order[i]] { truePositives += 1 }
                predicted += 1
                i += 1
            }
            let f1 = 2 * Double(truePositives) / Double(predicted + totalPositives)
            if f1 > best.f1 {
                let lower = i < order.count ? scores[order[i]] : max(score - 1e-3, 0)
                best = ((score + lower) / 2, f1)
            }
        }
        return best
    }
}
