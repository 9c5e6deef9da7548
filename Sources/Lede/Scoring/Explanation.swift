/// Why a document got a label's score: each term's contribution to the label's margin
/// `z_k = b_k + sum_j x_j W[j, k] + sum_i f_i W[d + i, k]`, which the sigmoid or softmax turns into the
/// probability. A term's contribution is its own, `x_j W[j, k]` (tf-idf weight times coefficient), plus,
/// in a model with word vectors, its share of the word-vector features: with `f = weight * m / ||m||` and
/// `m = sum_j x_j e_j` (`WordVectors`), the dense part of the margin is
/// `sum_j (weight / ||m||) x_j (e_j . W[d..., k])`, one exact share per word that has a vector. The
/// contributions of every term plus the bias give the margin.
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
        for e in 0..<vector.count {
            let column = vector.columns[e]
            let contribution = vector.values[e] * weights[Int(column) * k + label]
            margin += contribution
            if column < dense { terms.append((column, contribution)) }
        }
        if let vectors = model.wordVectors {
            let shares = wordVectorShares(vectors, label: label, terms: terms.map(\.column))
            for index in terms.indices { terms[index].contribution += shares[index] }
        }
        terms.sort { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.column < $1.column }
        if terms.count > top { terms.removeLast(terms.count - top) }
        return Explanation(label: label, terms: terms, bias: model.linear.bias[label], margin: margin)
    }

    /// Each sparse term's share of the word-vector part of label `label`'s margin (0 for a term without a
    /// vector): `(weight / ||m||) x_j (e_j . W[d..., k])`, in the order of `terms`.
    private func wordVectorShares(_ vectors: WordVectors, label: Int, terms: [Int32]) -> [Float] {
        let vector = featurizer.vector, k = model.labels.count, d = vectors.dimensions
        let weights = model.linear.weights
        var m = [Float](repeating: 0, count: d)
        var projections = [Float](repeating: 0, count: terms.count)  // x_j (e_j . W[d..., k])
        var e = 0
        for (index, column) in terms.enumerated() {
            while vector.columns[e] != column { e += 1 }
            let row = Int(vectors.rowOfColumn[Int(column)])
            guard row >= 0 else { continue }
            let x = vector.values[e] * vectors.scales[row]
            var dot: Float = 0
            for i in 0..<d {
                let code = Float(vectors.codes[row * d + i])
                m[i] += x * code
                dot += code * weights[(vectors.firstColumn + i) * k + label]
            }
            projections[index] = x * dot
        }
        let norm = m.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return [Float](repeating: 0, count: terms.count) }
        return projections.map { $0 * vectors.weight / norm }
    }
}
