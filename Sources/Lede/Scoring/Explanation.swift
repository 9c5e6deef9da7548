/// Why a document got a label's score: each term's contribution `x_j W[j, k]` (its tf-idf weight times
/// its coefficient) to the label's margin `z_k = b_k + sum_j x_j W[j, k]`. The contributions of every term
/// plus the bias give the margin, which the sigmoid or softmax turns into the probability. The word-vector
/// features (`WordVectors`) count as one term, column `space.columns`, the sum of their contributions.
public struct Explanation: Sendable {
    public var label: Int
    /// The strongest terms, largest contribution first (ties: lower column first).
    public var terms: [(column: Int32, contribution: Float)]
    /// The label's bias b_k and margin z_k.
    public var bias: Float
    public var margin: Float
}

extension DocumentScorer {
    /// Explains label `label` for the document scored last: its `top` largest contributions.
    public func explain(label: Int, top: Int) -> Explanation {
        let vector = featurizer.vector
        let k = model.labels.count
        let weights = model.linear.weights
        var terms: [(column: Int32, contribution: Float)] = []
        terms.reserveCapacity(vector.count)
        var margin = model.linear.bias[label]
        let dense = Int32(model.space.columns)
        var denseContribution: Float?
        for e in 0..<vector.count {
            let column = vector.columns[e]
            let contribution = vector.values[e] * weights[Int(column) * k + label]
            margin += contribution
            if column >= dense {
                denseContribution = (denseContribution ?? 0) + contribution
            } else {
                terms.append((column, contribution))
            }
        }
        if let denseContribution { terms.append((dense, denseContribution)) }
        terms.sort { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.column < $1.column }
        if terms.count > top { terms.removeLast(terms.count - top) }
        return Explanation(label: label, terms: terms, bias: model.linear.bias[label], margin: margin)
    }
}
