import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The binary model file: little-endian, versioned, checksummed, memory-mappable.
///
/// ```
/// offset 0   magic "LEDEMODL" (8 bytes)
///        8   format version (UInt32)           12  header size = 64 (UInt32)
///       16   section count (UInt32)            20  reserved (UInt32, 0)
///       24   file size in bytes (UInt64)       32  checksum of bytes 64 ..< file size (UInt64, `Checksum`)
///       40   reserved (24 bytes, 0)
///       64   section table: per section 32 bytes: tag (4 ASCII bytes), element size (UInt32),
///            offset (UInt64), length in bytes (UInt64), reserved (UInt64)
/// then the sections, each starting on a 64-byte boundary:
///   META  JSON `ModelMetadata`           IDF_  Float32 per column
///   WGHT  Float32 weights, columns x labels, feature-major      BIAS  Float32 per label
///   VKEY  UInt64 vocabulary table keys   VCOL  Int32 vocabulary table columns (-1 = empty slot)
///   TOFF  UInt32 term text offsets       TTXT  term text, UTF-8
///   WVRW  Int32 word-vector row per column (-1: none)   WVCD  Int8 word-vector codes, rows x dimensions
///   WVSC  Float32 word-vector scale per row
/// ```
/// (the vocabulary and term sections are absent for hashing models; the word-vector ones, from format 2
/// on, only in models with word vectors, whose WGHT then also holds the dense columns' weights). Files
/// without word vectors are written as format 1, which older readers load. Loading maps the file and uses the
/// arrays in place; it refuses files that are too short, foreign, of a newer format, inconsistent or
/// corrupt, with a message that says which.
public enum ModelFile {
    public static let magic: [UInt8] = Array("LEDEMODL".utf8)
    public static let formatVersion: UInt32 = 2
    static let headerSize = 64
    static let entrySize = 32
    static let alignment = 64

    /// One section of a model file as it is stored: its tag, the size of its elements and its bytes.
    public struct Section: Sendable {
        public var tag: String
        public var elementSize: Int
        public var bytes: [UInt8]

        public init(tag: String, elementSize: Int, bytes: [UInt8]) {
            self.tag = tag
            self.elementSize = elementSize
            self.bytes = bytes
        }
    }

    /// The sections of a model file that loads: tag and size in bytes, in file order.
    public static func sections(of path: String) throws -> [(tag: String, bytes: Int)] {
        _ = try load(path)
        let mapped = try FileContents(path: path)
        let raw = mapped.bytes
        let count = Int(get(raw, 16) as UInt32)
        return (0..<count).map { index in
            let entry = headerSize + index * entrySize
            return (String(decoding: raw[entry..<entry + 4], as: UTF8.self), Int(get(raw, entry + 16) as UInt64))
        }
    }

    // MARK: - Writing

    /// The file's bytes for `model`.
    public static func serialize(_ model: LedeModel) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var sections = [Section(tag: "META", elementSize: 1, bytes: Array(try encoder.encode(model.metadata)))]
        sections.append(Section(tag: "IDF_", elementSize: 4, bytes: bytes(of: model.space.idf)))
        sections.append(Section(tag: "WGHT", elementSize: 4, bytes: bytes(of: model.linear.weights)))
        sections.append(Section(tag: "BIAS", elementSize: 4, bytes: bytes(of: model.linear.bias)))
        if case .vocabulary(let table) = model.space.lookup {
            sections.append(Section(tag: "VKEY", elementSize: 8, bytes: bytes(of: table.keys)))
            sections.append(Section(tag: "VCOL", elementSize: 4, bytes: bytes(of: table.columns)))
        }
        if let terms = model.space.terms {
            sections.append(Section(tag: "TOFF", elementSize: 4, bytes: bytes(of: terms.offsets)))
            sections.append(Section(tag: "TTXT", elementSize: 1, bytes: bytes(of: terms.bytes)))
        }
        if let vectors = model.wordVectors {
            sections.append(Section(tag: "WVRW", elementSize: 4, bytes: bytes(of: vectors.rowOfColumn)))
            sections.append(Section(tag: "WVCD", elementSize: 1, bytes: bytes(of: vectors.codes)))
            sections.append(Section(tag: "WVSC", elementSize: 4, bytes: bytes(of: vectors.scales)))
        }
        return assemble(sections, version: model.wordVectors == nil ? 1 : formatVersion)
    }

    /// A file of `sections` (tags of 4 ASCII bytes) in this order: header, section table, the sections
    /// on 64-byte boundaries, size and checksum filled in. Their contents are not checked: `load` does that.
    public static func assemble(_ sections: [Section], version: UInt32) -> [UInt8] {
        var layout: [(offset: Int, section: Section)] = []
        var cursor = align(headerSize + entrySize * sections.count)
        for section in sections {
            layout.append((cursor, section))
            cursor = align(cursor + section.bytes.count)
        }
        var file = [UInt8](repeating: 0, count: cursor)
        file.replaceSubrange(0..<8, with: magic)
        put(&file, 8, version)
        put(&file, 12, UInt32(headerSize))
        put(&file, 16, UInt32(sections.count))
        for (index, (offset, section)) in layout.enumerated() {
            let entry = headerSize + index * entrySize
            file.replaceSubrange(entry..<entry + 4, with: Array(section.tag.utf8.prefix(4)) + [UInt8](repeating: 0x20, count: max(0, 4 - section.tag.utf8.count)))
            put(&file, entry + 4, UInt32(truncatingIfNeeded: section.elementSize))
            put(&file, entry + 8, UInt64(offset))
            put(&file, entry + 16, UInt64(section.bytes.count))
            file.replaceSubrange(offset..<offset + section.bytes.count, with: section.bytes)
        }
        seal(&file)
        return file
    }

    /// Sets the file size and checksum fields of a file's header from its bytes (after an edit).
    public static func seal(_ file: inout [UInt8]) {
        guard file.count >= headerSize else { return }
        put(&file, 24, UInt64(file.count))
        let checksum = file.withUnsafeBytes { Checksum.compute(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        put(&file, 32, checksum)
    }

    /// The sections of a file that `assemble` could have written (nil when its header or table does not
    /// hold together), for tools that inspect or edit model files. Contents are not checked.
    public static func sections(in file: [UInt8]) -> [Section]? {
        guard file.count >= headerSize, Array(file.prefix(8)) == magic else { return nil }
        return file.withUnsafeBytes { raw -> [Section]? in
            let count = Int(get(raw, 16) as UInt32)
            guard headerSize + count * entrySize <= raw.count else { return nil }
            var sections: [Section] = []
            for index in 0..<count {
                let entry = headerSize + index * entrySize
                let offset: UInt64 = get(raw, entry + 8), length: UInt64 = get(raw, entry + 16)
                guard offset <= UInt64(raw.count), length <= UInt64(raw.count) - offset else { return nil }
                sections.append(Section(tag: String(decoding: raw[entry..<entry + 4], as: UTF8.self),
                                        elementSize: Int(get(raw, entry + 4) as UInt32),
                                        bytes: Array(raw[Int(offset)..<Int(offset + length)])))
            }
            return sections
        }
    }

    /// Writes `model` to `path` atomically: a temporary file beside it, flushed, then renamed over `path`,
    /// so a crash or a full disk leaves any previous model intact. The temporary file is removed on failure.
    public static func write(_ model: LedeModel, to path: String) throws {
        let data = try serialize(model)
        try AtomicFile.write(data, to: path)
    }

    // MARK: - Reading

    /// Reads and validates the model at `path`. The model keeps its own copy of the file, so a later
    /// rewrite of the file (even in place) cannot change or crash the process using it.
    public static func load(_ path: String) throws -> LedeModel {
        let contents: FileContents
        do {
            contents = try FileContents(path: path)
        } catch let error as LedeError {
            throw LedeError.model("cannot read model: \(error.message)", file: path)
        }
        return try load(contents, path: path)
    }

    /// Validates and loads a model file's bytes (copied); `name` names it in errors.
    public static func load(bytes: [UInt8], name: String) throws -> LedeModel {
        try bytes.withUnsafeBytes { try load(FileContents(copying: $0), path: name) }
    }

    static func load(_ mapped: FileContents, path: String) throws -> LedeModel {
        func fail(_ message: String) -> LedeError { LedeError.model(message, file: path) }
        let raw = mapped.bytes
        let size = raw.count
        guard size >= 8, Array(raw[0..<8]) == magic else {
            if size == 0 { throw fail("the model file is empty") }
            throw fail("not a Lede model (the file does not start with \"LEDEMODL\"); pass a file written by lede-train")
        }
        guard size >= headerSize else { throw fail("truncated model: \(size) bytes, shorter than the \(headerSize)-byte header") }
        let version: UInt32 = get(raw, 8)
        guard version <= formatVersion else {
            throw fail("model format \(version) is newer than this Lede reads (format \(formatVersion)); upgrade Lede or retrain the model")
        }
        guard version >= 1, get(raw, 12) as UInt32 == UInt32(headerSize) else { throw fail("corrupt model header (bad version or header size)") }
        let declaredSize: UInt64 = get(raw, 24)
        guard declaredSize == UInt64(size) else {
            if declaredSize > UInt64(size) {
                throw fail("truncated model: the header says \(declaredSize) bytes, the file has \(size); copy it again or retrain")
            }
            throw fail("model file has \(UInt64(size) - declaredSize) unexpected trailing bytes (header says \(declaredSize)); copy it again or retrain")
        }
        let sectionCount = Int(get(raw, 16) as UInt32)
        guard sectionCount <= 64, headerSize + sectionCount * entrySize <= size else {
            throw fail("corrupt model header: \(sectionCount) sections do not fit in the file")
        }
        let expected: UInt64 = get(raw, 32)
        let actual = Checksum.compute(UnsafeRawBufferPointer(rebasing: raw[headerSize...]))
        guard expected == actual else {
            throw fail("corrupt model: checksum mismatch (stored \(hex(expected)), computed \(hex(actual))); the file was damaged, copy it again or retrain")
        }
        // A valid checksum guards against accidents only: every count, offset and range below is checked
        // before anything indexes with it, so that a crafted file is refused, never trusted.
        var sections: [String: (offset: Int, length: Int, elementSize: Int)] = [:]
        let tableEnd = headerSize + sectionCount * entrySize
        for index in 0..<sectionCount {
            let entry = headerSize + index * entrySize
            let tag = String(decoding: raw[entry..<entry + 4], as: UTF8.self)
            let elementSize = Int(get(raw, entry + 4) as UInt32)
            let offset: UInt64 = get(raw, entry + 8), length: UInt64 = get(raw, entry + 16)
            guard offset >= UInt64(tableEnd), offset <= UInt64(size), length <= UInt64(size) - offset,
                  offset % UInt64(alignment) == 0, [1, 4, 8].contains(elementSize), length % UInt64(elementSize) == 0 else {
                throw fail("corrupt model: section \(tag) lies outside the file, over its header, or is misaligned")
            }
            guard sections[tag] == nil else { throw fail("corrupt model: section \(tag) appears twice") }
            sections[tag] = (Int(offset), Int(length), elementSize)
        }
        let ordered = sections.values.sorted { $0.offset < $1.offset }
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.offset + a.length > b.offset {
            throw fail("corrupt model: two sections overlap")
        }
        func section(_ tag: String) throws -> (offset: Int, length: Int, elementSize: Int) {
            guard let s = sections[tag] else { throw fail("corrupt model: section \(tag) is missing") }
            return s
        }
        let meta = try section("META")
        let metadata: ModelMetadata
        do {
            metadata = try JSONDecoder().decode(ModelMetadata.self, from: Data(raw[meta.offset..<meta.offset + meta.length]))
        } catch {
            throw fail("corrupt model: unreadable metadata (\(error))")
        }
        let k = metadata.labels.count, columns = metadata.columns
        // Counts are bounded by the file's size before any product of them is formed.
        guard k >= 1, k <= size, metadata.thresholds.count == k, columns >= 1, columns <= size else {
            throw fail("corrupt model: inconsistent metadata (labels, thresholds or columns)")
        }
        guard Set(metadata.labels).count == k else { throw fail("corrupt model: a label appears twice") }
        guard metadata.thresholds.allSatisfy({ $0.isFinite }) else { throw fail("corrupt model: a threshold is not a number") }
        do {
            try metadata.features.validate()
        } catch let error as LedeError {
            throw fail("corrupt model: invalid feature settings (\(error.message))")
        }
        func floats(_ tag: String, _ count: Int) throws -> Storage<Float> {
            let s = try section(tag)
            guard s.elementSize == 4, count <= size, s.length == count * 4 else {
                throw fail("corrupt model: section \(tag) holds \(s.length) bytes, expected \(count * 4)")
            }
            return Storage(mapped: (raw.baseAddress! + s.offset).assumingMemoryBound(to: Float.self), count: count, owner: mapped)
        }
        func array<T>(_ tag: String, _ type: T.Type) throws -> Storage<T> {
            let s = try section(tag)
            guard s.elementSize == MemoryLayout<T>.size else { throw fail("corrupt model: section \(tag) has the wrong element size") }
            return Storage(mapped: (raw.baseAddress! + s.offset).assumingMemoryBound(to: T.self),
                           count: s.length / MemoryLayout<T>.size, owner: mapped)
        }
        let idf = try floats("IDF_", columns)
        var wordVectors: WordVectors?
        if let settings = metadata.wordVectors {
            guard settings.dimensions >= 1, settings.dimensions <= 4096, settings.words >= 0, settings.words <= size,
                  settings.weight.isFinite else {
                throw fail("corrupt model: inconsistent word-vector metadata")
            }
            let rowOfColumn = try array("WVRW", Int32.self)
            let codes = try array("WVCD", Int8.self)
            let scales = try floats("WVSC", settings.words)
            guard rowOfColumn.count == columns, codes.count == settings.words * settings.dimensions else {
                throw fail("corrupt model: the word-vector sections do not match \(columns) columns and \(settings.words) words of \(settings.dimensions) dimensions")
            }
            for column in 0..<columns where rowOfColumn[column] >= Int32(settings.words) || rowOfColumn[column] < -1 {
                throw fail("corrupt model: the word-vector row of column \(column) is out of range")
            }
            wordVectors = WordVectors(dimensions: settings.dimensions, weight: settings.weight, firstColumn: columns,
                                      rowOfColumn: rowOfColumn, codes: codes, scales: scales)
        }
        let linearColumns = columns + (wordVectors?.dimensions ?? 0)
        let (weightCount, overflow) = linearColumns.multipliedReportingOverflow(by: k)
        guard !overflow else { throw fail("corrupt model: \(linearColumns) columns x \(k) labels do not fit in memory") }
        let weights = try floats("WGHT", weightCount)
        let bias = try floats("BIAS", k)
        let lookup: FeatureSpace.Lookup
        var terms: TermTable?
        if let bits = metadata.features.hashBits {
            guard columns == 1 << bits else { throw fail("corrupt model: \(columns) columns for \(bits) hash bits") }
            lookup = .hashing(mask: UInt64(columns - 1))
        } else {
            let keys = try array("VKEY", UInt64.self)
            let slots = try array("VCOL", Int32.self)
            guard keys.count == slots.count, keys.count >= 2 * columns, keys.count & (keys.count - 1) == 0 else {
                throw fail("corrupt model: the vocabulary table does not match \(columns) columns")
            }
            // Every column in exactly one slot, so that at least half the slots are empty and every probe ends.
            var seen = [Bool](repeating: false, count: columns)
            for slot in 0..<slots.count where slots[slot] >= 0 {
                let column = Int(slots[slot])
                guard column < columns else { throw fail("corrupt model: vocabulary slot \(slot) points past the last column") }
                guard !seen[column] else { throw fail("corrupt model: column \(column) is in the vocabulary table twice") }
                seen[column] = true
            }
            guard seen.allSatisfy({ $0 }) else { throw fail("corrupt model: a column is missing from the vocabulary table") }
            lookup = .vocabulary(VocabularyTable(keys: keys, columns: slots, count: columns))
            let offsets = try array("TOFF", UInt32.self)
            let text = try array("TTXT", UInt8.self)
            guard offsets.count == columns + 1, offsets[0] == 0, Int(offsets[columns]) == text.count else {
                throw fail("corrupt model: term text does not match the vocabulary")
            }
            for column in 0..<columns where offsets[column] > offsets[column + 1] {
                throw fail("corrupt model: the term offsets decrease at column \(column)")
            }
            terms = TermTable(offsets: offsets, bytes: text)
        }
        let space = FeatureSpace(settings: metadata.features, lookup: lookup, columns: columns, idf: idf, terms: terms)
        let linear = LinearModel(labels: metadata.labels, multiLabel: metadata.multiLabel, features: linearColumns,
                                 weights: weights, bias: bias, thresholds: metadata.thresholds)
        return LedeModel(space: space, wordVectors: wordVectors, linear: linear, training: metadata.training)
    }

    // MARK: - Helpers

    private static func align(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    private static func bytes<T>(of storage: Storage<T>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count * MemoryLayout<T>.stride))
    }

    private static func put<T: FixedWidthInteger>(_ file: inout [UInt8], _ offset: Int, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { file.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0) }
    }

    private static func get<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    private static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}

#if !_endian(little)
#error("Lede's model format is little-endian and is read in place: build on a little-endian machine")
#endif
