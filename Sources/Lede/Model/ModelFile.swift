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
/// word-vector ones and WGHT only in models with word vectors). Since format 3 each feature's hash, idf
/// and weights lie in one slot, as the scorer reads them (formats 1 and 2 kept them in four arrays, and
/// are refused with a message to retrain); format 4 fills vocabulary tables up to 4/5 instead of 1/2
/// (format 3 files are read as they are); format 5 names its token hash in META's feature settings
/// (`FeatureSettings.tokenHash`, `FoldHash` for new models), where older formats used `TokenHash`'s murmur
/// hash, and are still read and scored with it. Loading copies the file and uses the arrays in
/// place; it refuses files that are too short, foreign, of another format, inconsistent or corrupt, with
/// a message that says which.
public enum ModelFile {
    public static let magic: [UInt8] = Array("LEDEMODL".utf8)
    public static let formatVersion: UInt32 = 5
    /// The oldest format this Lede reads: format 3 differs only in keeping vocabulary tables at most half full.
    public static let oldestReadableVersion: UInt32 = 3
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

    /// A model file that loads, with its format version (`formatVersion`, or an older one this Lede
    /// reads) and its sections (tag and size in bytes, in file order), from one read of the file.
    public static func loadWithLayout(_ path: String) throws
        -> (model: LedeModel, version: UInt32, sections: [(tag: String, bytes: Int)]) {
        let contents = try contents(of: path)
        let model = try load(contents, path: path)
        return contents.withBytes { raw in
            let count = Int(get(raw, 16) as UInt32)
            let sections = (0..<count).map { index in
                let entry = headerSize + index * entrySize
                return (tag: String(decoding: raw[entry..<entry + 4], as: UTF8.self), bytes: Int(get(raw, entry + 16) as UInt64))
            }
            return (model, get(raw, 8), sections)
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
        try load(contents(of: path), path: path)
    }

    /// The bytes of the model file at `path`, or an error that says the model cannot be read.
    private static func contents(of path: String) throws -> FileContents {
        do {
            return try FileContents(path: path, inParallel: true)
        } catch let error as LedeError {
            throw LedeError.model("cannot read model: \(error.template)", file: path)
        }
    }

    /// Validates and loads a model file's bytes (copied); `name` names it in errors.
    public static func load(bytes: [UInt8], name: String) throws -> LedeModel {
        try bytes.withUnsafeBytes { try load(FileContents(copying: $0), path: name) }
    }

    static func load(_ contents: FileContents, path: String) throws -> LedeModel {
        try ModelFileReader.model(contents, path: path)
    }

    // MARK: - Helpers

    private static func align(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    private static func bytes<T>(of storage: Storage<T>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count * MemoryLayout<T>.stride))
    }

    private static func put<T: FixedWidthInteger>(_ file: inout [UInt8], _ offset: Int, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { file.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0) }
    }

    static func get<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}

#if !_endian(little)
#error("Lede's model format is little-endian and is read in place: build on a little-endian machine")
#endif
