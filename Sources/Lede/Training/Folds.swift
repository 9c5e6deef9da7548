/// Stratified k-fold assignment for cross-validation.
///
/// Each document is keyed by its rarest label (the one with the fewest documents; documents without a
/// label share one key). Within a key, documents are ordered by a hash of (seed, index) and dealt to the
/// folds in turn, continuing where the previous key stopped: every fold gets the same number of
/// documents give or take one, and each label's documents are spread as evenly as they can be, which
/// keeps positives of rare labels in every fold's held-out part.
public enum Folds {
    /// The fold (in `0..<count`) of every document.
    public static func assign(_ labels: LabelSets, labelCount: Int, count: Int, seed: UInt64) -> [Int] {
        precondition(count >= 1)
        var frequency = [Int](repeating: 0, count: labelCount)
        for label in labels.indices { frequency[Int(label)] += 1 }
        func key(_ document: Int) -> Int {
            var best = -1
            for label in labels[document] where best < 0 || frequency[Int(label)] < frequency[best]
                || (frequency[Int(label)] == frequency[best] && Int(label) < best) {
                best = Int(label)
            }
            return best
        }
        let keys = (0..<labels.count).map(key)
        let hashes = (0..<labels.count).map { SeedMix.foldOrder(seed, document: $0) }
        let order = (0..<labels.count).sorted { (a: Int, b: Int) -> Bool in
            if keys[a] != keys[b] { return keys[a] < keys[b] }
            if hashes[a] != hashes[b] { return hashes[a] < hashes[b] }
            return a < b
        }
        var fold = [Int](repeating: 0, count: labels.count)
        for (position, document) in order.enumerated() { fold[document] = position % count }
        return fold
    }

    /// The documents outside and inside fold `index`, in increasing order.
    public static func split(_ folds: [Int], _ index: Int) -> (training: [Int32], heldOut: [Int32]) {
        var training: [Int32] = [], heldOut: [Int32] = []
        for (document, fold) in folds.enumerated() {
            if fold == index { heldOut.append(Int32(document)) } else { training.append(Int32(document)) }
        }
        return (training, heldOut)
    }
}
