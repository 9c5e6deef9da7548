/// A parameter of Lede's API that a message may name: errors, training decisions and progress say
/// `c must be a positive number`, and a front end that spells the parameter otherwise (a command line's
/// `-C`) renders the same message with its own `ParameterNaming`.
///
/// Interpolated into a message (`"\(Parameter.c) must be ..."`), a parameter leaves a reference that
/// `ParameterNaming.render` spells; `LedeError.description` and `Trainer`'s messages spell it with the
/// naming they are given, `.api` by default (the names of `TrainingOptions`, `FeatureSettings` and
/// `LabeledDataReader`).
public enum Parameter: String, CaseIterable, Sendable, CustomStringConvertible {
    case c, tolerance, maxIterations, folds, autotune, threads, validationFraction
    case wordVectors, wordVectorDimensions, wordVectorWeight
    /// `multiLabel = true` ...
    case multiLabel
    /// ... and `multiLabel = false`: a forced single-label model.
    case singleLabel
    case classWeighting, loss
    case ngramRange, minDF, maxDF, maxFeatures, hashBits
    /// The n-gram counts a vocabulary is taken from (`Trainer.train(counts:)`).
    case counts
    /// `LabeledDataReader`'s format, CSV text column and label column.
    case format, textColumn, labelColumn

    /// The reference a message holds until a naming renders it.
    public var description: String { "\(ParameterNaming.open)\(rawValue)\(ParameterNaming.close)" }

    /// The name in Lede's API.
    public var apiName: String {
        switch self {
        case .singleLabel: return "multiLabel = false"
        case .ngramRange: return "ngramMin...ngramMax"
        default: return rawValue
        }
    }
}

/// How a front end spells `Parameter`s in the messages it shows.
public struct ParameterNaming: Sendable {
    public let spell: @Sendable (Parameter) -> String

    public init(spell: @escaping @Sendable (Parameter) -> String) { self.spell = spell }

    /// The API's own names (`Parameter.apiName`).
    public static let api = ParameterNaming { $0.apiName }

    /// Private-use characters around a parameter's raw value: never in the text of a message itself.
    static let open: Character = "\u{E000}", close: Character = "\u{E001}"

    /// `message` with each parameter reference spelled.
    public func render(_ message: String) -> String {
        guard message.contains(Self.open) else { return message }
        var out = ""
        var rest = Substring(message)
        while let start = rest.firstIndex(of: Self.open), let end = rest[start...].firstIndex(of: Self.close) {
            out += rest[..<start]
            let name = rest[rest.index(after: start)..<end]
            out += Parameter(rawValue: String(name)).map(spell) ?? String(name)
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
