/// Everything `Trainer` needs besides the data. Defaults are the ones `lede-train` uses.
public struct TrainingOptions: Sendable {
    public var features = FeatureSettings()
    /// L2 strength lambda of the objective (see `LogisticObjective`); scikit-learn's C is 1 / (lambda N).
    public var lambda: Double = 1e-5
    /// Upper bound on L-BFGS iterations (each one a pass or two over the data).
    public var maxIterations = 300
    /// Seeds the validation split; with the same seed, data and options, the model file is identical.
    public var seed: UInt64 = 1
    public var threads = Parallel.availableCores
    /// nil: multi-label when any document has no label or several.
    public var multiLabel: Bool? = nil
    /// Fraction of the training data held out for thresholds and the report when no validation file is given.
    public var validationFraction = 0.1

    public init() {}

    public func validate() throws {
        try features.validate()
        guard lambda >= 0, lambda.isFinite else { throw LedeError.invalidOption("--l2 must be a non-negative number") }
        guard maxIterations >= 1 else { throw LedeError.invalidOption("--epochs must be at least 1") }
        guard threads >= 1 else { throw LedeError.invalidOption("--threads must be at least 1") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw LedeError.invalidOption("--validation-fraction must be in [0, 1)")
        }
    }

    /// Whether document number `index` goes to the held-out split: a hash of (seed, index) below the fraction.
    /// Decided per document, so the split streams and does not depend on the corpus size.
    public func isHeldOut(_ index: Int) -> Bool {
        guard validationFraction > 0 else { return false }
        let h = TokenHash.fmix64(seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: index))
        return Double(h >> 11) / Double(1 << 53) < validationFraction
    }
}
