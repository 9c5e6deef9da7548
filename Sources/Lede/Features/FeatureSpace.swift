#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fitted feature pipeline: where each n-gram hash goes (vocabulary or hashing) and each column's idf.
///
/// A `FeatureSpace` only exists fitted: it is made by `VocabularyBuilder.fit` or loaded from a model.
public struct FeatureSpace: Sendable {
    public enum Lookup: Sendable {
        case vocabulary(VocabularyTable)
        /// Column = hash & mask, mask = 2^bits - 1.
        case hashing(mask: UInt64)
    }

    public let settings: FeatureSettings
    public let lookup: Lookup
    /// Number of columns.
    public let columns: Int
    /// idf per column (all 1 when `useIDF` is off).
    public let idf: Storage<Float>
    /// Text per column; nil for hashing spaces.
    public let terms: TermTable?

    public init(settings: FeatureSettings, lookup: Lookup, columns: Int, idf: Storage<Float>, terms: TermTable?) {
        self.settings = settings
        self.lookup = lookup
        self.columns = columns
        self.idf = idf
        self.terms = terms
    }

    /// Column of an n-gram hash, or -1 when the vocabulary does not hold it.
    @inline(__always)
    public func column(of hash: UInt64) -> Int {
        switch lookup {
        case .vocabulary(let table): return table.column(of: hash)
        case .hashing(let mask): return Int(truncatingIfNeeded: hash & mask)
        }
    }

    /// Text of a column: the term, or `#column` in a hashing space; columns past this space's are a
    /// model's word-vector features (`WordVectors`).
    public func termText(_ column: Int) -> String {
        column >= columns ? "(word vectors)" : terms?.term(column) ?? "#\(column)"
    }

    /// idf of a term found in `df` of `n` documents, as scikit-learn's `TfidfTransformer` computes it:
    /// `ln((1 + n) / (1 + df)) + 1` when smoothing, else `ln(n / df) + 1`.
    public static func idf(documentFrequency df: Int, documents n: Int, smooth: Bool) -> Double {
        if smooth {
            return PortableMath.log(Double(1 + n) / Double(1 + df)) + 1
        }
        return PortableMath.log(Double(n) / Double(max(df, 1))) + 1
    }
}
