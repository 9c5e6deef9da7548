/// Turns a stream of token hashes into word n-gram hashes, keeping the last `ngramMax` tokens.
///
/// N-grams never span documents: call `reset()` between documents. The n-gram hash is
/// `TokenHash.extend` (by the window's `tokenHash` version) folded from the oldest token to the newest,
/// so `a b` and `b a` differ.
public struct NGramWindow {
    public static let maxN = 8

    public let ngramMin: Int
    public let ngramMax: Int
    public let tokenHash: TokenHash.Version
    private var recent: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Tokens seen in the current document (saturating at `maxN`).
    public private(set) var seen = 0
    /// Position of the newest token in `recent`.
    private var newest = NGramWindow.maxN - 1

    public init(ngramMin: Int, ngramMax: Int, tokenHash: TokenHash.Version) {
        precondition(1 <= ngramMin && ngramMin <= ngramMax && ngramMax <= NGramWindow.maxN)
        self.ngramMin = ngramMin
        self.ngramMax = ngramMax
        self.tokenHash = tokenHash
    }

    public mutating func reset() {
        seen = 0
    }

    /// Adds a token and calls `body(ngramHash, n)` for each n-gram ending at it, shortest first.
    @inline(__always)
    public mutating func push(_ tokenHash: UInt64, _ body: (UInt64, Int) -> Void) {
        newest = (newest + 1) & (NGramWindow.maxN - 1)
        withUnsafeMutableBytes(of: &recent) { raw in
            raw.storeBytes(of: tokenHash, toByteOffset: newest * 8, as: UInt64.self)
        }
        if seen < NGramWindow.maxN { seen += 1 }
        if ngramMin == 1 { body(tokenHash, 1) }
        guard ngramMax > 1 else { return }
        // n-grams of length low...top end at this token (none while fewer than ngramMin tokens are seen).
        let low = max(2, ngramMin), top = min(ngramMax, seen)
        guard top >= low else { return }
        withUnsafeBytes(of: &recent) { raw in
            for n in low...top {
                var g = raw.load(fromByteOffset: ((newest - n + 1) & (NGramWindow.maxN - 1)) * 8, as: UInt64.self)
                for k in 2...n {
                    let t = raw.load(fromByteOffset: ((newest - n + k) & (NGramWindow.maxN - 1)) * 8, as: UInt64.self)
                    g = TokenHash.extend(g, with: t, length: k, version: self.tokenHash)
                }
                body(g, n)
            }
        }
    }
}
