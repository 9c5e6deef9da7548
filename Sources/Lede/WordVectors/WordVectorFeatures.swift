extension WordVectorLearner {
    /// Learns vectors for the unigram columns of `space` from training text given as token hashes
    /// (`WordStream`, document d being `stream[offsets[d] ..< offsets[d + 1]]`) and
    /// returns them as features of weight `weight`. The words are the `maxWords` most frequent unigram
    /// columns seen at least twice (ties: lower column); other tokens are skipped, as if absent. nil when
    /// fewer than two words qualify (a space without unigrams, or a tiny corpus).
    public func features(stream: [UInt64], offsets: [Int], space: FeatureSpace, weight: Float, maxWords: Int) -> WordVectors? {
        var frequency = [Int32](repeating: 0, count: space.columns)
        var streamColumns = [Int32](repeating: -1, count: stream.count)
        for (i, hash) in stream.enumerated() {
            let column = space.column(of: hash)
            guard column >= 0 else { continue }
            streamColumns[i] = Int32(column)
            frequency[column] &+= 1
        }
        let chosen = (0..<space.columns).filter { frequency[$0] >= 2 }
            .sorted { frequency[$0] != frequency[$1] ? frequency[$0] > frequency[$1] : $0 < $1 }
            .prefix(maxWords)
        guard chosen.count >= 2 else { return nil }
        var wordOfColumn = [Int32](repeating: -1, count: space.columns)
        for (word, column) in chosen.enumerated() { wordOfColumn[column] = Int32(word) }
        var tokens: [Int32] = []
        tokens.reserveCapacity(stream.count)
        var documentOffsets = [0]
        documentOffsets.reserveCapacity(offsets.count)
        for d in 0..<(offsets.count - 1) {
            for i in offsets[d]..<offsets[d + 1] {
                let column = streamColumns[i]
                if column >= 0 && wordOfColumn[Int(column)] >= 0 { tokens.append(wordOfColumn[Int(column)]) }
            }
            documentOffsets.append(tokens.count)
        }
        let vectors = learn(tokens: tokens, offsets: documentOffsets, words: chosen.count)
        return WordVectors(vectors: vectors, columnOfRow: chosen.map(Int32.init), dimensions: dimensions, weight: weight,
                           columns: space.columns)
    }
}
