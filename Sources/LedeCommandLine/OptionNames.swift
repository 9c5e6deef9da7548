import Lede

extension ParameterNaming {
    /// The command-line options that set each parameter (`lede-train`'s; `lede-classify` shares `--threads`).
    public static let commandLine = ParameterNaming { parameter in
        switch parameter {
        case .c: return "-C"
        case .tolerance: return "--tolerance"
        case .maxIterations: return "--max-iterations"
        case .folds: return "--folds"
        case .autotune: return "--autotune"
        case .threads: return "--threads"
        case .validationFraction: return "--validation-fraction"
        case .wordVectors: return "--word-vectors"
        case .wordVectorDimensions: return "--word-vector-dimensions"
        case .wordVectorWeight: return "--word-vector-weight"
        case .multiLabel: return "--multi-label"
        case .singleLabel: return "--single-label"
        case .classWeighting: return "--class-weight"
        case .loss: return "--loss"
        case .ngramRange: return "--ngrams"
        case .minDF: return "--min-df"
        case .maxDF: return "--max-df"
        case .maxFeatures: return "--max-features"
        case .hashBits: return "--hash-bits"
        case .counts: return "--counts"
        case .format: return "--format"
        case .textColumn: return "--text-column"
        case .labelColumn: return "--label-column"
        }
    }
}
