/// A document's n-gram keys in order, collected token by token: each token's hash goes through the n-gram
/// window and every n-gram it completes is appended (its hash in a vocabulary space, its column in a
/// hashing space). A value type, so that `Featurizer` moves it into a local for each chunk of text and
/// the per-token path touches no object's stored properties.
struct NGramCollector {
    private var window: NGramWindow
    private let seed: UInt64
    private let tokenHash: TokenHash.Version
    private var buffer: Keys
    /// Tokens seen in the document.
    private(set) var tokens = 0
    /// The hash of the last token (for the pairs path).
    private var previous: UInt64 = 0

    /// The keys, `count` of them, in a buffer that grows to the longest document (freed by `deallocate`).
    var keys: UnsafeMutablePointer<UInt64> { buffer.keys }
    var count: Int { buffer.count }

    private struct Keys {
        var keys: UnsafeMutablePointer<UInt64>
        var count = 0
        var capacity = 4096
        /// Nonzero in a hashing space: the column of an n-gram is `hash & columnMask`.
        let columnMask: UInt64

        @inline(__always)
        mutating func append(_ ngram: UInt64) {
            if _slowPath(count == capacity) { grow() }
            appendWithinCapacity(ngram)
        }

        /// Appends when `count < capacity`.
        @inline(__always)
        mutating func appendWithinCapacity(_ ngram: UInt64) {
            keys[count] = columnMask == 0 ? ngram : ngram & columnMask
            count &+= 1
        }

        mutating func grow() {
            capacity *= 2
            keys = keys.reallocated(capacity: capacity, keeping: count)
        }
    }

    init(settings: FeatureSettings, columnMask: UInt64) {
        window = NGramWindow(ngramMin: settings.ngramMin, ngramMax: settings.ngramMax, tokenHash: settings.tokenHash)
        seed = settings.hashSeed
        tokenHash = settings.tokenHash
        buffer = Keys(keys: .allocate(capacity: 4096), columnMask: columnMask)
    }

    func deallocate() { buffer.keys.deallocate() }

    mutating func reset() {
        window.reset()
        buffer.count = 0
        tokens = 0
    }

    /// Whether `addWordAndPair` may stand for `add`: n-grams 1...2 (the default) in a vocabulary space, where
    /// each token adds its own hash and its pair's, unmasked.
    var isWordsAndPairs: Bool { window.ngramMin == 1 && window.ngramMax == 2 && buffer.columnMask == 0 }

    /// `add` when `isWordsAndPairs`, with no test of the n-gram range per token: the pair's key is written
    /// after the word's every time and kept when there was a token before (the first token's is written
    /// over by the next key). The same keys in the same order as `add`.
    @inline(__always)
    mutating func addWordAndPair(_ token: UnsafeRawBufferPointer) {
        addWordAndPair(hash: TokenHash.hash(padded: token, seed: seed, version: tokenHash))
    }

    /// `addWordAndPair` of a token of the tokenizer's 64-byte path, hashed where it is in the text
    /// (`Tokenizer.feed(_:emit:emitASCII:)`).
    @inline(__always)
    mutating func addASCIIWordAndPair(_ start: UnsafeRawPointer, count: Int) {
        addWordAndPair(hash: TokenHash.hash(asciiWord: start, count: count, seed: seed, version: tokenHash))
    }

    @inline(__always)
    private mutating func addWordAndPair(hash: UInt64) {
        if _slowPath(buffer.count &+ 2 > buffer.capacity) { buffer.grow() }
        let keys = buffer.keys, n = buffer.count
        keys[n] = hash
        keys[n &+ 1] = TokenHash.extend(previous, with: hash, length: 2, version: tokenHash)
        buffer.count = n &+ 1 &+ (tokens == 0 ? 0 : 1)
        tokens &+= 1
        previous = hash
    }

    /// Adds a token (its bytes followed by readable bytes: `TokenHash.hash(padded:seed:version:)`).
    @inline(__always)
    mutating func add(_ token: UnsafeRawBufferPointer) {
        tokens &+= 1
        let hash = TokenHash.hash(padded: token, seed: seed, version: tokenHash)
        if window.ngramMax <= 2 {  // words and pairs: no window, the previous token and its hash suffice
            if _slowPath(buffer.count + 2 > buffer.capacity) { buffer.grow() }
            if window.ngramMin == 1 { buffer.appendWithinCapacity(hash) }
            if window.ngramMax == 2 && tokens > 1 {
                buffer.appendWithinCapacity(TokenHash.extend(previous, with: hash, length: 2, version: tokenHash))
            }
            previous = hash
            return
        }
        var buffer = self.buffer  // apart from the window, which `push` holds while it calls back
        window.push(hash) { ngram, _ in buffer.append(ngram) }
        self.buffer = buffer
    }
}
