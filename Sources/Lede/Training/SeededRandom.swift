/// Every draw training makes from its `seed`, in one place. Each sequence here is frozen: a model's bytes
/// depend on it (the same data, options and seed give the same file), so a change to any of them is a
/// change to every model trained with it.

/// The seeds and per-document draws derived from the training seed, each stream with a mix of its own so
/// that no two are correlated.
enum SeedMix {
    /// The order of documents within a stratum when dealing them to cross-validation folds (`Folds`).
    static func foldOrder(_ seed: UInt64, document: Int) -> UInt64 {
        TokenHash.fmix64(seed &* 0xD6E8_FEB8_6659_FD93 ^ UInt64(document))
    }

    /// Whether a document goes to the held-out split (`TrainingOptions.isHeldOut`), through `unitInterval`.
    static func heldOut(_ seed: UInt64, document: Int) -> UInt64 {
        TokenHash.fmix64(seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: document))
    }

    /// The visiting-order seed of one solver run (a fold and label block, `OneVsRestSVM`).
    static func solverRun(_ seed: UInt64, run: Int) -> UInt64 {
        TokenHash.fmix64(seed ^ UInt64(run) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The state of the word vectors' random projection (`GaussianRandom`): never 0.
    static func wordVectors(_ seed: UInt64) -> UInt64 {
        TokenHash.fmix64(seed | 1) | 1
    }

    /// A hash as a number in [0, 1), from its top 53 bits.
    static func unitInterval(_ hash: UInt64) -> Double {
        Double(hash >> 11) / Double(1 << 53)
    }
}

/// A small, fast, seedable generator (Steele, Lea, Flood 2014): the same seed, the same sequence everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Which documents each resample of `PairedBootstrap` draws: `documents` draws with replacement per
/// resample, from a chain of `TokenHash.fmix64` steps.
struct BootstrapDraws {
    private var state: UInt64
    private let documents: Int

    init(seed: UInt64, documents: Int) {
        state = TokenHash.fmix64(seed | 1)
        self.documents = documents
    }

    /// A document index in `0..<documents`.
    mutating func next() -> Int {
        state = TokenHash.fmix64(state &+ 0x9E37_79B9_7F4A_7C15)
        return Int(state % UInt64(documents))
    }
}

/// A seeded generator of standard normal numbers (xorshift64*, Marsaglia's polar method: no
/// trigonometry, so only `PortableMath.log` and square roots, the same bits on every machine).
struct GaussianRandom {
    var state: UInt64
    var spare: Float?

    /// `state`: any value but 0 (`SeedMix.wordVectors` gives one).
    init(seed state: UInt64) { self.state = state }

    mutating func uniform() -> Double {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return (Double((state &* 0x2545_F491_4F6C_DD1D) >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func gaussian() -> Float {
        if let spare {
            self.spare = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let factor = (-2 * PortableMath.log(s) / s).squareRoot()
            spare = Float(v * factor)
            return Float(u * factor)
        }
    }
}
