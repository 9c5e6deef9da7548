/// A document-frequency bound as scikit-learn takes it: a count of documents, or a fraction of them.
public enum DocumentFrequency: Codable, Equatable, Sendable, CustomStringConvertible {
    case count(Int)
    case fraction(Double)

    /// Parses `"2"` as a count and `"0.5"` or `"1.0"` as a fraction (a dot means fraction).
    public init?(parsing text: String) {
        if text.contains(".") || text.contains("e") {
            guard let value = Double(text), value >= 0, value <= 1 else { return nil }
            self = .fraction(value)
        } else {
            guard let value = Int(text), value >= 0 else { return nil }
            self = .count(value)
        }
    }

    /// The bound in documents for a corpus of `documents`: `count`, or `fraction * documents`.
    public func documents(of documents: Int) -> Double {
        switch self {
        case .count(let c): return Double(c)
        case .fraction(let f): return f * Double(documents)
        }
    }

    public var description: String {
        switch self {
        case .count(let c): return String(c)
        case .fraction(let f): return String(f)
        }
    }
}

/// How each document vector is scaled after tf-idf weighting.
public enum VectorNorm: String, Codable, CaseIterable, Sendable {
    /// x / sqrt(sum x^2)
    case l2
    /// x / sum |x|
    case l1
    case none
}

/// Hyperparameters of the feature pipeline, named as scikit-learn's `TfidfVectorizer` names them.
///
/// This is configuration only; the fitted state (vocabulary, idf) lives in `FeatureSpace`.
public struct FeatureSettings: Codable, Equatable, Sendable {
    /// Word n-gram lengths, inclusive (scikit-learn's `ngram_range`).
    public var ngramMin: Int = 1
    public var ngramMax: Int = 2
    /// `ngramMin...ngramMax`.
    public var ngramRange: NGramRange {
        get { NGramRange(min: ngramMin, max: ngramMax) }
        set { (ngramMin, ngramMax) = (newValue.min, newValue.max) }
    }
    /// Terms in fewer documents than this are dropped.
    public var minDF: DocumentFrequency = .count(2)
    /// Terms in more documents than this are dropped.
    public var maxDF: DocumentFrequency = .fraction(1.0)
    /// Keep only the most frequent terms (by total count over the corpus), if set. Among terms with equal
    /// counts at the cut, the ones that sort first are kept (scikit-learn leaves that order unspecified).
    public var maxFeatures: Int? = nil
    /// tf = 1 + ln(count) instead of the raw count.
    public var sublinearTF: Bool = true
    /// Weight terms by inverse document frequency.
    public var useIDF: Bool = true
    /// idf = ln((1 + n) / (1 + df)) + 1 when true (as if one extra document held every term, so no
    /// division by zero), ln(n / df) + 1 when false. The `+ 1` keeps terms found in every document.
    public var smoothIDF: Bool = true
    public var norm: VectorNorm = .l2
    /// When set, columns are `hash mod 2^hashBits` instead of a fitted vocabulary.
    public var hashBits: Int? = nil
    /// Seed of the token hash.
    public var hashSeed: UInt64 = TokenHash.defaultSeed
    /// The frozen token hash: `FoldHash` for new feature spaces; settings stored without one (model
    /// files of format 4 and older) used `TokenHash`'s murmur hash.
    public var tokenHash: TokenHash.Version = .current

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case ngramMin, ngramMax, minDF, maxDF, maxFeatures, sublinearTF, useIDF, smoothIDF, norm, hashBits, hashSeed, tokenHash
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ngramMin = try c.decode(Int.self, forKey: .ngramMin)
        ngramMax = try c.decode(Int.self, forKey: .ngramMax)
        minDF = try c.decode(DocumentFrequency.self, forKey: .minDF)
        maxDF = try c.decode(DocumentFrequency.self, forKey: .maxDF)
        maxFeatures = try c.decodeIfPresent(Int.self, forKey: .maxFeatures)
        sublinearTF = try c.decode(Bool.self, forKey: .sublinearTF)
        useIDF = try c.decode(Bool.self, forKey: .useIDF)
        smoothIDF = try c.decode(Bool.self, forKey: .smoothIDF)
        norm = try c.decode(VectorNorm.self, forKey: .norm)
        hashBits = try c.decodeIfPresent(Int.self, forKey: .hashBits)
        hashSeed = try c.decode(UInt64.self, forKey: .hashSeed)
        tokenHash = try c.decodeIfPresent(TokenHash.Version.self, forKey: .tokenHash) ?? .murmur
    }

    /// Checks ranges; the message names the command-line option to change.
    public func validate() throws {
        guard ngramMin >= 1, ngramMin <= ngramMax, ngramMax <= NGramWindow.maxN else {
            throw LedeError.invalidOption("\(Parameter.ngramRange) must be N or MIN...MAX with 1 <= MIN <= MAX <= \(NGramWindow.maxN)")
        }
        if let bits = hashBits, !(1...30).contains(bits) {
            throw LedeError.invalidOption("\(Parameter.hashBits) must be between 1 and 30 (got \(bits))")
        }
        if let m = maxFeatures, m < 1 {
            throw LedeError.invalidOption("\(Parameter.maxFeatures) must be at least 1 (got \(m))")
        }
    }
}
