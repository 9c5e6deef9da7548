/// Fits a `FeatureSpace` in one streaming pass over the training documents: document frequencies (and,
/// for `maxFeatures`, total counts) per n-gram, the text of each n-gram, then pruning and idf as
/// scikit-learn's `TfidfVectorizer.fit` does.
///
/// Each added document's n-gram counts are also kept in `corpus`, so training vectorizes without
/// tokenizing again.
public final class VocabularyBuilder {
    public let settings: FeatureSettings
    public private(set) var corpus = HashedCorpus()
    public private(set) var documentCount = 0

    private struct Entry {
        var documentFrequency: Int32
        var totalCount: Int64
        var textStart: Int
        var textEnd: Int
    }

    private let tokenizer = Tokenizer()
    /// Bytes of the document last added (or held out) that were not valid UTF-8: the tokenizer reads each
    /// as a separator, so the trainer reports them rather than let a word such as `Caf\xE9` vanish silently.
    public var invalidBytesInLastDocument: Int { tokenizer.invalidByteCount }
    private var window: NGramWindow
    private var entryIndex = HashIndex()
    private var entries: [Entry] = []
    private var text: [UInt8] = []
    /// The current document's n-gram hashes, one per occurrence, then sorted and counted into `documentCounts`.
    private var occurrences: [UInt64] = []
    private var documentCounts: [(key: UInt64, value: UInt32)] = []
    /// The last `ngramMax` tokens' bytes, for the text of new n-grams (ring indexed like `NGramWindow`).
    private var recentTokens: [[UInt8]] = Array(repeating: [], count: NGramWindow.maxN)
    private var newest = NGramWindow.maxN - 1
    private let keepsText: Bool

    /// Sees each training document's tokens (`add`), such as the `WordStream` word vectors learn from.
    public weak var tokenObserver: TokenObserver?

    /// Counts are taken from `counts` instead of the added documents (which are only vectorized).
    private let frozen: Bool

    public init(settings: FeatureSettings) {
        self.settings = settings
        window = NGramWindow(ngramMin: settings.ngramMin, ngramMax: settings.ngramMax, tokenHash: settings.tokenHash)
        keepsText = settings.hashBits == nil
        frozen = false
    }

    /// A builder whose vocabulary and idf come from `counts` (made with the same n-gram settings; the
    /// builder takes their token hash): documents added afterwards are kept for the training matrix but
    /// change no frequency.
    public init(settings: FeatureSettings, counts: NGramCounts) throws {
        guard counts.matches(settings) else {
            throw LedeError.invalidOption("the counts were made with n-grams \(counts.ngramMin)...\(counts.ngramMax) and hash bits \(counts.hashBits.map(String.init) ?? "none"); train with the same \(Parameter.ngramRange) and \(Parameter.hashBits), or count again")
        }
        guard settings.hashBits == nil else {
            throw LedeError.invalidOption("\(Parameter.counts) works with vocabulary models; a hashing space (\(Parameter.hashBits)) needs no vocabulary, train it without \(Parameter.counts)")
        }
        var settings = settings
        settings.tokenHash = counts.tokenHash  // the counts' hashes decide the vocabulary's
        self.settings = settings
        window = NGramWindow(ngramMin: settings.ngramMin, ngramMax: settings.ngramMax, tokenHash: settings.tokenHash)
        keepsText = true
        frozen = true
        documentCount = counts.documents
        for hash in counts.entries.keys.sorted() {
            let entry = counts.entries[hash]!
            let start = text.count
            text.append(contentsOf: Array(entry.text.utf8))
            entryIndex.insert(hash)
            entries.append(Entry(documentFrequency: Int32(entry.documentFrequency), totalCount: Int64(entry.totalCount),
                                 textStart: start, textEnd: text.count))
        }
    }

    /// The statistics counted so far, mergeable with other shards' (`NGramCounts.merge`).
    public var counts: NGramCounts {
        var counts = NGramCounts(settings: settings)
        counts.documents = documentCount
        for (index, hash) in entryIndex.hashes.enumerated() {
            let entry = entries[index]
            counts.entries[hash] = NGramCounts.Entry(documentFrequency: Int(entry.documentFrequency), totalCount: Int(entry.totalCount),
                                                     text: String(decoding: text[entry.textStart..<entry.textEnd], as: UTF8.self))
        }
        return counts
    }

    /// Number of distinct n-grams seen so far.
    public var distinctTerms: Int { entries.count }

    /// Adds a training document: counts its n-grams and records it in `corpus`.
    public func add(_ bytes: UnsafeRawBufferPointer) {
        tokenObserver?.beginDocument()
        defer { tokenObserver?.endDocument() }
        if frozen {
            countNGrams(bytes, recordingNewTerms: false, observed: true)
            corpus.append(documentCounts)
            return
        }
        countNGrams(bytes, recordingNewTerms: true, observed: true)
        var entries = take(&self.entries)  // a local for the loop: no access check per n-gram
        for (hash, count) in documentCounts {
            let index = entryIndex.index(of: hash)
            entries[index].documentFrequency += 1
            entries[index].totalCount += Int64(count)
        }
        self.entries = entries
        corpus.append(documentCounts)
        documentCount += 1
    }

    /// Counts a held-out document's n-grams into `heldOut`, leaving the document frequencies alone.
    public func addHeldOut(_ bytes: UnsafeRawBufferPointer, into heldOut: inout HashedCorpus) {
        countNGrams(bytes, recordingNewTerms: false)
        heldOut.append(documentCounts)
    }

    /// Fills `documentCounts` with the document's n-gram counts, in increasing hash order.
    /// `observed`: the tokens are shown to `tokenObserver`.
    private func countNGrams(_ bytes: UnsafeRawBufferPointer, recordingNewTerms: Bool, observed: Bool = false) {
        documentCounts.removeAll(keepingCapacity: true)
        // The state each token touches moves into a local value for the document, so the per-token path
        // reads and writes no stored property of this object.
        var pass = DocumentPass(window: window, occurrences: take(&occurrences), index: take(&entryIndex),
                                recent: take(&recentTokens), newest: newest, seed: settings.hashSeed, tokenHash: settings.tokenHash,
                                recordingText: keepsText && recordingNewTerms, recordingNewTerms: recordingNewTerms,
                                observer: observed ? tokenObserver : nil)
        pass.window.reset()
        pass.occurrences.removeAll(keepingCapacity: true)
        tokenizer.reset()
        tokenizer.feed(bytes) { pass.add($0, to: self) }
        tokenizer.finish { pass.add($0, to: self) }
        var counts = take(&documentCounts)
        pass.occurrences.sort()
        let sorted = pass.occurrences
        var k = 0
        while k < sorted.count {
            let hash = sorted[k]
            var end = k + 1
            while end < sorted.count && sorted[end] == hash { end += 1 }
            counts.append((hash, UInt32(end - k)))
            k = end
        }
        (window, occurrences, entryIndex, recentTokens, newest) = (pass.window, pass.occurrences, pass.index, pass.recent, pass.newest)
        documentCounts = counts
    }

    /// What one document's tokens update: the n-gram window, the occurrences, the n-gram index and, for
    /// the text of new n-grams, the last tokens' bytes (a ring indexed like `NGramWindow`).
    private struct DocumentPass {
        var window: NGramWindow
        var occurrences: [UInt64]
        var index: HashIndex
        var recent: [[UInt8]]
        var newest: Int
        let seed: UInt64
        let tokenHash: TokenHash.Version
        let recordingText: Bool
        let recordingNewTerms: Bool
        let observer: TokenObserver?

        mutating func add(_ token: UnsafeRawBufferPointer, to builder: VocabularyBuilder) {
            if recordingText {
                newest = (newest + 1) & (NGramWindow.maxN - 1)
                recent[newest].removeAll(keepingCapacity: true)
                recent[newest].append(contentsOf: token)
            }
            let hash = TokenHash.hash(token, seed: seed, version: tokenHash)
            observer?.token(hash)
            var window = self.window  // apart from the rest, which `push` calls back into
            window.push(hash) { ngram, n in
                occurrences.append(ngram)
                if recordingNewTerms && index.index(of: ngram) < 0 {
                    builder.insert(ngram, length: n, recent: recent, newest: newest, into: &index)
                }
            }
            self.window = window
        }
    }

    /// `value`, leaving an empty value in its place (so that the caller's copy is not shared: no copy on write).
    private func take<T: RangeReplaceableCollection>(_ value: inout T) -> T {
        var taken = T()
        swap(&taken, &value)
        return taken
    }

    private func take(_ value: inout HashIndex) -> HashIndex {
        var taken = VocabularyBuilder.vacantIndex  // shares its storage: nothing allocated per document
        swap(&taken, &value)
        return taken
    }

    private static let vacantIndex = HashIndex(capacity: 0)

    /// Adds the n-gram `hash` of the last `n` tokens (`recent`, ring indexed like `NGramWindow`).
    fileprivate func insert(_ hash: UInt64, length n: Int, recent: [[UInt8]], newest: Int, into index: inout HashIndex) {
        let start = text.count
        if keepsText {
            for k in 0..<n {
                if k > 0 { text.append(0x20) }
                text.append(contentsOf: recent[(newest - n + 1 + k) & (NGramWindow.maxN - 1)])
            }
        }
        index.insert(hash)
        entries.append(Entry(documentFrequency: 0, totalCount: 0, textStart: start, textEnd: text.count))
    }

    /// Prunes by `minDF`/`maxDF`/`maxFeatures` and computes idf. Columns are in byte order of the terms
    /// (scikit-learn's order); with `maxFeatures`, the most frequent terms by total count are kept, ties
    /// going to the term that sorts first.
    public func fit() throws -> FeatureSpace {
        let n = documentCount
        guard n > 0 else { throw LedeError(.training, "no training documents") }
        if let bits = settings.hashBits { return fitHashing(bits: bits) }
        let maxCount = settings.maxDF.documents(of: n)
        let minCount = settings.minDF.documents(of: n)
        guard maxCount >= minCount else {
            throw LedeError.invalidOption("\(Parameter.maxDF) (\(settings.maxDF)) allows fewer documents than \(Parameter.minDF) (\(settings.minDF)); raise \(Parameter.maxDF) or lower \(Parameter.minDF)")
        }
        var kept = entries.indices.filter {
            let df = Double(entries[$0].documentFrequency)
            return df >= minCount && df <= maxCount
        }
        guard !kept.isEmpty else {
            throw LedeError(.training, "no terms left after pruning: all \(entries.count) terms of \(n) documents are in fewer than \(Parameter.minDF) (\(settings.minDF)) or more than \(Parameter.maxDF) (\(settings.maxDF)) documents. Lower \(Parameter.minDF) or raise \(Parameter.maxDF).")
        }
        let order = { (a: Int, b: Int) -> Bool in self.textLess(self.entries[a], self.entries[b]) }
        kept.sort(by: order)
        if let limit = settings.maxFeatures, kept.count > limit {
            // Stable by term order, so ties keep the first terms in sorted order, as scikit-learn does.
            let ranked = kept.enumerated().sorted {
                let (a, b) = (entries[$0.element].totalCount, entries[$1.element].totalCount)
                return a != b ? a > b : $0.offset < $1.offset
            }
            kept = ranked.prefix(limit).map(\.element).sorted(by: order)
        }
        var hashes: [UInt64] = []
        hashes.reserveCapacity(kept.count)
        let hashOf = entryIndex.hashes
        var idf: [Float] = []
        var terms: [[UInt8]] = []
        for index in kept {
            let entry = entries[index]
            hashes.append(hashOf[index])
            idf.append(settings.useIDF
                       ? Float(FeatureSpace.idf(documentFrequency: Int(entry.documentFrequency), documents: n, smooth: settings.smoothIDF))
                       : 1)
            terms.append(Array(text[entry.textStart..<entry.textEnd]))
        }
        return FeatureSpace(settings: settings, lookup: .vocabulary(VocabularyTable(hashes: hashes, idf: idf)),
                            columns: kept.count, idf: Storage(idf), terms: TermTable(terms: terms))
    }

    private func textLess(_ a: Entry, _ b: Entry) -> Bool {
        let lengthA = a.textEnd - a.textStart, lengthB = b.textEnd - b.textStart
        for k in 0..<min(lengthA, lengthB) {
            let x = text[a.textStart + k], y = text[b.textStart + k]
            if x != y { return x < y }
        }
        return lengthA < lengthB
    }

    private func fitHashing(bits: Int) -> FeatureSpace {
        let columns = 1 << bits
        let mask = UInt64(columns - 1)
        var documentFrequency = [Int32](repeating: 0, count: columns)
        for d in 0..<corpus.documentCount {
            var seen = Set<Int>()
            for k in corpus.offsets[d]..<corpus.offsets[d + 1] {
                seen.insert(Int(truncatingIfNeeded: corpus.hashes[k] & mask))
            }
            for column in seen { documentFrequency[column] += 1 }
        }
        let idf = documentFrequency.map { df -> Float in
            settings.useIDF
                ? Float(FeatureSpace.idf(documentFrequency: Int(df), documents: documentCount, smooth: settings.smoothIDF))
                : 1
        }
        return FeatureSpace(settings: settings, lookup: .hashing(mask: mask), columns: columns,
                            idf: Storage(idf), terms: nil)
    }
}
