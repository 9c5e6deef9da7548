import Foundation

/// Reads a model file's bytes into a `LedeModel`, refusing anything that is not a whole, consistent file
/// of this format (see `ModelFile` for the layout), each refusal with a message that says what is wrong.
///
/// A valid checksum guards against accidents only: every count, offset and range is checked before
/// anything indexes with it, so that a crafted file is refused, never trusted. The stages, in order: the
/// header (magic, version, size; the checksum meanwhile on another thread), the section table (inside the
/// file, past the header, aligned, apart), the metadata (labels, thresholds, feature settings), the word
/// vectors, the weight slots and the vocabulary's terms.
struct ModelFileReader {
    private let contents: FileContents
    private let raw: UnsafeRawBufferPointer
    private let path: String
    private var size: Int { raw.count }
    private var sections: [String: (offset: Int, length: Int, elementSize: Int)] = [:]

    private init(_ contents: FileContents, path: String) throws {
        self.contents = contents
        self.raw = contents.bytes
        self.path = path
        try checkHeader()
    }

    /// The model in `contents`, every part read and checked. The checksum is computed on another thread
    /// while the sections are read and checked (it reads every byte; they read the tables), and a file
    /// whose checksum does not match is refused for that, whatever else is wrong with it.
    static func model(_ contents: FileContents, path: String) throws -> LedeModel {
        var reader = try ModelFileReader(contents, path: path)
        let checksum = ChecksumTask(UnsafeRawBufferPointer(rebasing: reader.raw[ModelFile.headerSize...]))
        do {
            try reader.readSectionTable()
            let model = try reader.model()
            try reader.verify(checksum)
            return model
        } catch {
            try reader.verify(checksum)  // a damaged file: say so first
            throw error
        }
    }

    /// The checksum of a file's bytes, computed on a thread of its own until `value` is asked for.
    private final class ChecksumTask: @unchecked Sendable {
        private let group = DispatchGroup()
        private var result: UInt64 = 0

        /// Starts on `bytes`, which must stay alive until `value` has been read.
        init(_ bytes: UnsafeRawBufferPointer) {
            nonisolated(unsafe) let bytes = bytes
            DispatchQueue.global(qos: .userInitiated).async(group: group) { self.result = Checksum.compute(bytes) }
        }

        /// Waits for the checksum (the group's wait orders its computation before this read).
        var value: UInt64 {
            group.wait()
            return result
        }
    }

    private func verify(_ checksum: ChecksumTask) throws {
        let expected: UInt64 = get(32), actual = checksum.value
        guard expected == actual else {
            throw fail("corrupt model: checksum mismatch (stored \(ModelFile.hex(expected)), computed \(ModelFile.hex(actual))); the file was damaged, copy it again or retrain")
        }
    }

    private func fail(_ message: String) -> LedeError { LedeError.model(message, file: path) }

    private func get<T: FixedWidthInteger>(_ offset: Int) -> T { ModelFile.get(raw, offset) }

    /// Magic, version, header size, declared file size and the section count (the checksum: `verify`).
    private func checkHeader() throws {
        let headerSize = ModelFile.headerSize, formatVersion = ModelFile.formatVersion
        guard size >= 8, Array(raw[0..<8]) == ModelFile.magic else {
            if size == 0 { throw fail("the model file is empty") }
            throw fail("not a Lede model (the file does not start with \"LEDEMODL\"); pass a file written by lede-train")
        }
        guard size >= headerSize else { throw fail("truncated model: \(size) bytes, shorter than the \(headerSize)-byte header") }
        let version: UInt32 = get(8)
        guard version <= formatVersion else {
            throw fail("model format \(version) is newer than this Lede reads (format \(formatVersion)); upgrade Lede or retrain the model")
        }
        guard version >= 1, get(12) as UInt32 == UInt32(headerSize) else { throw fail("corrupt model header (bad version or header size)") }
        guard version >= ModelFile.oldestReadableVersion else {
            throw fail("model format \(version) was written by an older Lede, whose vocabulary layout this one no longer reads; retrain the model with this lede-train (the same command and data give the same model)")
        }
        let declaredSize: UInt64 = get(24)
        guard declaredSize == UInt64(size) else {
            if declaredSize > UInt64(size) {
                throw fail("truncated model: the header says \(declaredSize) bytes, the file has \(size); copy it again or retrain")
            }
            throw fail("model file has \(UInt64(size) - declaredSize) unexpected trailing bytes (header says \(declaredSize)); copy it again or retrain")
        }
        let sectionCount = Int(get(16) as UInt32)
        guard sectionCount <= 64, headerSize + sectionCount * ModelFile.entrySize <= size else {
            throw fail("corrupt model header: \(sectionCount) sections do not fit in the file")
        }
    }

    /// Each section inside the file, past the header and its table, aligned, of a known element size,
    /// once, and apart from the others.
    private mutating func readSectionTable() throws {
        let headerSize = ModelFile.headerSize, entrySize = ModelFile.entrySize
        let sectionCount = Int(get(16) as UInt32)
        let tableEnd = headerSize + sectionCount * entrySize
        for index in 0..<sectionCount {
            let entry = headerSize + index * entrySize
            let tag = String(decoding: raw[entry..<entry + 4], as: UTF8.self)
            let elementSize = Int(get(entry + 4) as UInt32)
            let offset: UInt64 = get(entry + 8), length: UInt64 = get(entry + 16)
            let knownSize = [1, 4, 8].contains(elementSize) || (16...4096 ~= elementSize && elementSize & (elementSize - 1) == 0)
            guard offset >= UInt64(tableEnd), offset <= UInt64(size), length <= UInt64(size) - offset,
                  offset % UInt64(ModelFile.alignment) == 0, knownSize, length % UInt64(elementSize) == 0 else {
                throw fail("corrupt model: section \(tag) lies outside the file, over its header, or is misaligned")
            }
            guard sections[tag] == nil else { throw fail("corrupt model: section \(tag) appears twice") }
            sections[tag] = (Int(offset), Int(length), elementSize)
        }
        let ordered = sections.values.sorted { $0.offset < $1.offset }
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.offset + a.length > b.offset {
            throw fail("corrupt model: two sections overlap")
        }
    }

    private func section(_ tag: String) throws -> (offset: Int, length: Int, elementSize: Int) {
        guard let s = sections[tag] else { throw fail("corrupt model: section \(tag) is missing") }
        return s
    }

    /// The section's bytes in place, as `count` elements of `T` (the file outlives them: `owner`).
    private func storage<T>(_ s: (offset: Int, length: Int, elementSize: Int), as type: T.Type, count: Int) -> Storage<T> {
        // The section lies inside the file (`readSectionTable`), and `count * MemoryLayout<T>.size` within it.
        Storage(mapped: (raw.baseAddress! + s.offset).assumingMemoryBound(to: T.self), count: count, owner: contents)
    }

    private func floats(_ tag: String, _ count: Int) throws -> Storage<Float> {
        let s = try section(tag)
        guard s.elementSize == 4, count <= size, s.length == count * 4 else {
            throw fail("corrupt model: section \(tag) holds \(s.length) bytes, expected \(count * 4)")
        }
        return storage(s, as: Float.self, count: count)
    }

    private func array<T>(_ tag: String, _ type: T.Type) throws -> Storage<T> {
        let s = try section(tag)
        guard s.elementSize == MemoryLayout<T>.size else { throw fail("corrupt model: section \(tag) has the wrong element size") }
        return storage(s, as: T.self, count: s.length / MemoryLayout<T>.size)
    }

    /// The metadata, with label and column counts bounded by the file's size before any product of them
    /// is formed.
    private func metadata() throws -> ModelMetadata {
        let meta = try section("META")
        let metadata: ModelMetadata
        do {
            metadata = try JSONDecoder().decode(ModelMetadata.self, from: Data(raw[meta.offset..<meta.offset + meta.length]))
        } catch {
            throw fail("corrupt model: unreadable metadata (\(error))")
        }
        let k = metadata.labels.count, columns = metadata.columns
        guard k >= 1, k <= size, metadata.thresholds.count == k, columns >= 1, columns <= size else {
            throw fail("corrupt model: inconsistent metadata (labels, thresholds or columns)")
        }
        guard Set(metadata.labels).count == k else { throw fail("corrupt model: a label appears twice") }
        guard metadata.thresholds.allSatisfy({ $0.isFinite }) else { throw fail("corrupt model: a threshold is not a number") }
        do {
            try metadata.features.validate()
        } catch let error as LedeError {
            throw fail("corrupt model: invalid feature settings (\(error.template))")
        }
        return metadata
    }

    private func wordVectors(_ metadata: ModelMetadata) throws -> WordVectors? {
        guard let settings = metadata.wordVectors else { return nil }
        let columns = metadata.columns
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
        var columnsWithRows = 0
        for column in 0..<columns {
            let row = rowOfColumn[column]
            guard row >= -1, row < Int32(settings.words) else {
                throw fail("corrupt model: the word-vector row of column \(column) is out of range")
            }
            if row >= 0 { columnsWithRows += 1 }
        }
        // Each word vector belongs to one column: scoring lays the rows out once per column.
        guard columnsWithRows <= settings.words else {
            throw fail("corrupt model: \(columnsWithRows) columns have word vectors, but there are \(settings.words)")
        }
        return WordVectors(dimensions: settings.dimensions, weight: settings.weight, firstColumn: columns,
                           rowOfColumn: rowOfColumn, codes: codes, scales: scales)
    }

    /// The slots of `tag`, `count` of them (or, for the vocabulary, a power of two of at least twice
    /// `count`), each column in exactly one of them (so that a vocabulary table has empty slots and every
    /// probe ends), idf finite; the idf by column is gathered on the way, and, for the vocabulary, the
    /// tags (`VocabularyTable.tags`, in the same pass).
    private func slots(_ tag: String, rows: WeightRows, columns count: Int, exact: Bool) throws
        -> (memory: Storage<UInt8>, idf: [Float], tags: Storage<UInt8>?) {
        let s = try section(tag)
        guard s.elementSize == rows.stride else {
            throw fail("corrupt model: section \(tag) has \(s.elementSize)-byte slots; \(rows.labels) labels take \(rows.stride)")
        }
        let n = s.length / rows.stride
        guard exact ? n == count : (VocabularyTable.holds(count, capacity: n) && n & (n - 1) == 0) else {
            throw fail("corrupt model: the \(tag) table of \(n) slots does not match \(count) columns")
        }
        let memory = storage(s, as: UInt8.self, count: s.length)
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

    /// The vocabulary's term text: `columns + 1` offsets rising from 0 to the text's end.
    private func terms(columns: Int) throws -> TermTable {
        let offsets = try array("TOFF", UInt32.self)
        let text = try array("TTXT", UInt8.self)
        guard offsets.count == columns + 1, offsets[0] == 0, Int(offsets[columns]) == text.count else {
            throw fail("corrupt model: term text does not match the vocabulary")
        }
        for column in 0..<columns where offsets[column] > offsets[column + 1] {
            throw fail("corrupt model: the term offsets decrease at column \(column)")
        }
        return TermTable(offsets: offsets, bytes: text)
    }

    /// The feature space (a vocabulary table or a hashing space, with idf and terms), and for hashing
    /// models their slots.
    private func featureSpace(_ metadata: ModelMetadata, rows: WeightRows) throws -> (FeatureSpace, hashingSlots: Storage<UInt8>?) {
        let columns = metadata.columns
        if let bits = metadata.features.hashBits {
            guard columns == 1 << bits else { throw fail("corrupt model: \(columns) columns for \(bits) hash bits") }
            let slots = try slots("HROW", rows: rows, columns: columns, exact: true)
            let space = FeatureSpace(settings: metadata.features, lookup: .hashing(mask: UInt64(columns - 1)), columns: columns,
                                     idf: Storage(slots.idf), terms: nil)
            return (space, slots.memory)
        }
        let slots = try slots("VIDX", rows: rows, columns: columns, exact: false)
        guard let tags = slots.tags else { preconditionFailure("a vocabulary table's slots come with their tags") }
        let table = VocabularyTable(memory: slots.memory, stride: rows.stride, count: columns, tags: tags)
        let space = FeatureSpace(settings: metadata.features, lookup: .vocabulary(table), columns: columns,
                                 idf: Storage(slots.idf), terms: try terms(columns: columns))
        return (space, nil)
    }

    /// The model, every part read and checked (but the checksum).
    private func model() throws -> LedeModel {
        let metadata = try metadata()
        let k = metadata.labels.count
        let wordVectors = try wordVectors(metadata)
        let rows = WeightRows(labels: k)
        let denseWeights = try wordVectors.map { try floats("WGHT", $0.dimensions * k) }
        let bias = try floats("BIAS", k)
        let (space, hashingSlots) = try featureSpace(metadata, rows: rows)
        let (slotMemory, stride) = LedeModel.slots(of: space, hashingSlots: hashingSlots, rows: rows)
        let linear = LinearModel(labels: metadata.labels, multiLabel: metadata.multiLabel,
                                 features: metadata.columns + (wordVectors?.dimensions ?? 0),
                                 bias: bias, thresholds: metadata.thresholds) {
            LedeModel.denseWeights(space: space, rows: rows, slots: slotMemory, stride: stride, dense: denseWeights)
        }
        return LedeModel(space: space, wordVectors: wordVectors, linear: linear, rows: rows, hashingSlots: hashingSlots,
                         denseWeights: denseWeights, training: metadata.training)
    }
}
