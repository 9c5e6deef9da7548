import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The binary model file: little-endian, versioned, checksummed, loaded in one read.
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
///   META  JSON `ModelMetadata`
///   VIDX  vocabulary table (`VocabularyTable`), one slot per element: n-gram hash (UInt64), column (Int32,
///         -1 = empty slot), idf (Float32), the column's weights (`WeightRows`: Float32 or binary16)
///   HROW  the same slots, one per column, for hashing models (hash 0)
///   WGHT  Float32 weights of the word-vector columns, dimensions x labels     BIAS  Float32 per label
///   TOFF  UInt32 term text offsets       TTXT  term text, UTF-8
///   WVRW  Int32 word-vector row per column (-1: none)   WVCD  Int8 word-vector codes, rows x dimensions
///   WVSC  Float32 word-vector scale per row
/// ```
/// (the vocabulary and term sections are absent for hashing models, HROW from vocabulary models; the
/// word-vector ones and WGHT only in models with word vectors). Format 3 holds each feature's hash, idf
/// and weights in one slot, as the scorer reads them (formats 1 and 2 kept them in four arrays, and are
/// refused with a message to retrain). Loading copies the file and uses the arrays in
/// place; it refuses files that are too short, foreign, of another format, inconsistent or corrupt, with
/// a message that says which.
public enum ModelFile {
    public static let magic: [UInt8] = Array("LEDEMODL".utf8)
    public static let formatVersion: UInt32 = 3
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
        let (slots, stride) = model.slots
        switch model.space.lookup {
        case .vocabulary: sections.append(Section(tag: "VIDX", elementSize: stride, bytes: bytes(of: slots)))
        case .hashing: sections.append(Section(tag: "HROW", elementSize: stride, bytes: bytes(of: slots)))
        }
        if let dense = model.denseWeights {
            sections.append(Section(tag: "WGHT", elementSize: 4, bytes: bytes(of: dense)))
        }
        sections.append(Section(tag: "BIAS", elementSize: 4, bytes: bytes(of: model.linear.bias)))
        if let terms = model.space.terms {
            sections.append(Section(tag: "TOFF", elementSize: 4, bytes: bytes(of: terms.offsets)))
            sections.append(Section(tag: "TTXT", elementSize: 1, bytes: bytes(of: terms.bytes)))
        }
        if let vectors = model.wordVectors {
            sections.append(Section(tag: "WVRW", elementSize: 4, bytes: bytes(of: vectors.rowOfColumn)))
            sections.append(Section(tag: "WVCD", elementSize: 1, bytes: bytes(of: vectors.codes)))
            sections.append(Section(tag: "WVSC", elementSize: 4, bytes: bytes(of: vectors.scales)))
        }
        return assemble(sections, version: formatVersion)
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
        guard version == formatVersion else {
            throw fail("model format \(version) was written by an older Lede, whose vocabulary layout this one no longer reads; retrain the model with this lede-train (the same command and data give the same model)")
        }
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
                  offset % UInt64(alignment) == 0, [1, 4, 8].contains(elementSize) || (16...4096 ~= elementSize && elementSize & (elementSize - 1) == 0), length % UInt64(elementSize) == 0 else {
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
        let rows = WeightRows(labels: k)
        var denseWeights: Storage<Float>?
        if let vectors = wordVectors {
            denseWeights = try floats("WGHT", vectors.dimensions * k)
        }
        let bias = try floats("BIAS", k)
        let lookup: FeatureSpace.Lookup
        let idf: Storage<Float>
        var terms: TermTable?
        var hashingSlots: Storage<UInt8>?
        /// The slots of `tag`, `count` of them (or, for the vocabulary, a power of two of at least twice
        /// `count`), each column in exactly one of them (so that a vocabulary table has empty slots and every
        /// probe ends), idf finite; the idf by column is gathered on the way, and, for the vocabulary, the
        /// tags (`VocabularyTable.tags`, in the same pass).
        func slots(_ tag: String, atLeast count: Int, exact: Bool) throws -> (Storage<UInt8>, [Float], Storage<UInt8>?) {
            let s = try section(tag)
            guard s.elementSize == rows.stride else {
                throw fail("corrupt model: section \(tag) has \(s.elementSize)-byte slots; \(k) labels take \(rows.stride)")
            }
            let n = s.length / rows.stride
            guard exact ? n == count : (n >= 2 * count && n & (n - 1) == 0) else {
                throw fail("corrupt model: the \(tag) table of \(n) slots does not match \(count) columns")
            }
            let memory = Storage(mapped: (raw.baseAddress! + s.offset).assumingMemoryBound(to: UInt8.self), count: s.length, owner: mapped)
            var seen = [Bool](repeating: false, count: count)
            var idfOfColumn = [Float](repeating: 0, count: count)
            let tags = exact ? nil : Storage<UInt8>(zeroed: n + VocabularyTable.tagsPadding)
            let tagOut = tags.map { UnsafeMutablePointer(mutating: $0.base) }
            let base = UnsafeRawPointer(memory.base)
            for index in 0..<n {
                let slot = base.load(fromByteOffset: index * rows.stride, as: VocabularyTable.Slot.self)
                guard slot.column >= 0 else { continue }
                let column = Int(slot.column)
                guard column < count else { throw fail("corrupt model: \(tag) slot \(index) points past the last column") }
                guard !seen[column] else { throw fail("corrupt model: column \(column) is in the \(tag) table twice") }
                guard slot.idf.isFinite else { throw fail("corrupt model: the idf of column \(column) is not a number") }
                seen[column] = true
                idfOfColumn[column] = slot.idf
                tagOut?[index] = VocabularyTable.tag(of: slot)
            }
            guard seen.allSatisfy({ $0 }) else { throw fail("corrupt model: a column is missing from the \(tag) table") }
            if let tagOut { VocabularyTable.padTags(tagOut, count: n) }
            return (memory, idfOfColumn, tags)
        }
        if let bits = metadata.features.hashBits {
            guard columns == 1 << bits else { throw fail("corrupt model: \(columns) columns for \(bits) hash bits") }
            lookup = .hashing(mask: UInt64(columns - 1))
            let (memory, idfOfColumn, _) = try slots("HROW", atLeast: columns, exact: true)
            hashingSlots = memory
            idf = Storage(idfOfColumn)
        } else {
            let (memory, idfOfColumn, tags) = try slots("VIDX", atLeast: columns, exact: false)
            lookup = .vocabulary(VocabularyTable(memory: memory, stride: rows.stride, count: columns, tags: tags!))
            idf = Storage(idfOfColumn)
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
        let (slotMemory, stride) = LedeModel.slots(of: space, hashingSlots: hashingSlots, rows: rows)
        let dense = denseWeights
        let linear = LinearModel(labels: metadata.labels, multiLabel: metadata.multiLabel, features: linearColumns,
                                 bias: bias, thresholds: metadata.thresholds) {
            LedeModel.denseWeights(space: space, rows: rows, slots: slotMemory, stride: stride, dense: dense)
        }
        return LedeModel(space: space, wordVectors: wordVectors, linear: linear, rows: rows, hashingSlots: hashingSlots,
                         denseWeights: denseWeights, training: metadata.training)
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
