/// The training documents' token hashes in order, document d being `hashes[offsets[d] ..< offsets[d + 1]]`:
/// the text `WordVectorLearner` reads, recorded as a `TokenObserver` of the `VocabularyBuilder`. Documents
/// are kept whole while fewer than `limit` tokens are stored (a document that starts below the limit is
/// kept to its end).
public final class WordStream: TokenObserver {
    public private(set) var limit: Int
    public private(set) var hashes: [UInt64] = []
    public private(set) var offsets: [Int] = [0]
    private var recording = false

    public init(limit: Int) {
        self.limit = limit
    }

    /// Stops recording and frees what is held (for data that turns out too large to use it).
    public func discard() {
        limit = 0
        hashes = []
        offsets = [0]
        recording = false
    }

    public func beginDocument() { recording = hashes.count < limit }

    public func token(_ hash: UInt64) {
        if recording { hashes.append(hash) }
    }

    public func endDocument() {
        if recording { offsets.append(hashes.count) }
        recording = false
    }
}
