import Foundation

/// Mergeable corpus statistics: for every n-gram, its document frequency, its total count and its text,
/// and the number of documents. They are all `VocabularyBuilder.fit` needs, so a corpus can be counted in
/// shards (one per Spark partition, say), the shards merged, and the vocabulary and idf fitted once: the
/// same as one pass over the whole corpus.
///
/// Text form, one n-gram per line in increasing hash order, so that equal counts are equal files:
/// ```
/// lede-counts <TAB> 2 <TAB> documents <TAB> ngramMin...ngramMax <TAB> hash seed (hex) <TAB> hash bits or - <TAB> token hash
/// hash (16 hex digits) <TAB> document frequency <TAB> total count <TAB> text
/// ```
/// `token hash` is `TokenHash.Version`'s number; files of version 1 have no such field and used the murmur hash.
public struct NGramCounts: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var documentFrequency: Int
        public var totalCount: Int
        public var text: String
    }

    public var documents = 0
    public var ngramMin: Int
    public var ngramMax: Int
    public var hashSeed: UInt64
    public var hashBits: Int?
    /// The token hash the n-grams' hashes were made with; a vocabulary fitted from these counts uses it too.
    public var tokenHash: TokenHash.Version
    public var entries: [UInt64: Entry] = [:]

    public init(settings: FeatureSettings) {
        ngramMin = settings.ngramMin
        ngramMax = settings.ngramMax
        hashSeed = settings.hashSeed
        hashBits = settings.hashBits
        tokenHash = settings.tokenHash
    }

    /// Whether counts made with `settings` hash the same n-grams (the pruning and weighting settings do not
    /// matter, nor the token hash, which a vocabulary fitted from counts takes from them).
    public func matches(_ settings: FeatureSettings) -> Bool {
        ngramMin == settings.ngramMin && ngramMax == settings.ngramMax && hashSeed == settings.hashSeed
            && hashBits == settings.hashBits
    }

    /// Adds `other` (made with the same settings) to these counts.
    public mutating func merge(_ other: NGramCounts) throws {
        guard other.tokenHash == tokenHash else {
            throw LedeError.invalidData("counts made with another token hash (\(other.tokenHash)) than the first file (\(tokenHash)): they were counted by different versions of Lede; count every shard with the same lede-train")
        }
        guard other.ngramMin == ngramMin, other.ngramMax == ngramMax, other.hashSeed == hashSeed, other.hashBits == hashBits else {
            throw LedeError.invalidData("counts made with other settings (n-grams \(other.ngramMin)...\(other.ngramMax), hash bits \(other.hashBits.map(String.init) ?? "-")) than the first file (n-grams \(ngramMin)...\(ngramMax), hash bits \(hashBits.map(String.init) ?? "-")); count every shard with the same options")
        }
        documents += other.documents
        for (hash, entry) in other.entries {
            if var mine = entries[hash] {
                mine.documentFrequency += entry.documentFrequency
                mine.totalCount += entry.totalCount
                entries[hash] = mine
            } else {
                entries[hash] = entry
            }
        }
    }

    public func serialized() -> [UInt8] {
        var out = Array("lede-counts\t2\t\(documents)\t\(ngramMin)...\(ngramMax)\t\(String(hashSeed, radix: 16))\t\(hashBits.map(String.init) ?? "-")\t\(tokenHash.rawValue)\n".utf8)
        for hash in entries.keys.sorted() {
            let entry = entries[hash]!
            let hex = String(hash, radix: 16)
            out.append(contentsOf: Array((String(repeating: "0", count: 16 - hex.count) + hex + "\t\(entry.documentFrequency)\t\(entry.totalCount)\t\(entry.text)\n").utf8))
        }
        return out
    }

    /// Reads a counts file written by `serialized()`.
    public static func load(_ path: String) throws -> NGramCounts {
        let reader = try LineReader(path: path)
        func fail(_ why: String) -> LedeError {
            LedeError.invalidData("not a Lede counts file (\(why)); make one with 'lede-train count'", file: path, line: reader.lineNumber)
        }
        guard let header = try reader.nextLine({ String(decoding: $0, as: UTF8.self) }) else {
            throw LedeError.invalidData("empty counts file; make one with 'lede-train count'", file: path)
        }
        let fields = header.split(separator: "\t", omittingEmptySubsequences: false)
        let range = fields.count > 3 ? fields[3].split(separator: ".").compactMap { Int($0) } : []
        // Version 1 (six fields) predates the token hash field: its hashes are the murmur hash's.
        let tokenHash = fields.count == 7 && fields[1] == "2" ? Int(fields[6]).flatMap(TokenHash.Version.init(rawValue:))
            : fields.count == 6 && fields[1] == "1" ? TokenHash.Version.murmur : nil
        guard let tokenHash, fields[0] == "lede-counts", let documents = Int(fields[2]),
              range.count == 2, let seed = UInt64(fields[4], radix: 16) else { throw fail("bad header") }
        var settings = FeatureSettings()
        settings.ngramMin = range[0]
        settings.ngramMax = range[1]
        settings.hashSeed = seed
        settings.hashBits = fields[5] == "-" ? nil : Int(fields[5])
        settings.tokenHash = tokenHash
        var counts = NGramCounts(settings: settings)
        counts.documents = documents
        while let parsed = try reader.nextLine({ line -> (UInt64, Entry)? in
            let fields = String(decoding: line, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, fields[0].count == 16, let hash = UInt64(fields[0], radix: 16),
                  let df = Int(fields[1]), let total = Int(fields[2]) else { return nil }
            return (hash, Entry(documentFrequency: df, totalCount: total, text: String(fields[3])))
        }) {
            guard let (hash, entry) = parsed else { throw fail("bad line") }
            counts.entries[hash] = entry
        }
        return counts
    }
}
