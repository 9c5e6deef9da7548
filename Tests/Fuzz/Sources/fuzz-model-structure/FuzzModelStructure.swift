import Foundation
import FuzzDriver
import Lede

/// Model files that pass every check a careless or hostile writer would pass: real sections, laid out as
/// `ModelFile` lays them, with a correct checksum, but with fuzzed contents: metadata fields (labels,
/// columns, thresholds, n-gram range, hash bits, word-vector counts), elements of any section, section
/// sizes, a dropped or repeated section, and section-table or header fields. Loading must refuse such a
/// file with an error or return a model that scores and explains a document without trapping.
@_cdecl("fuzz_model_structure_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzModelStructure(data ?? UnsafePointer(bitPattern: 1)!, size) }
}

/// Reads the fuzz input as a stream of choices (zeros once it runs out).
struct Choices {
    let data: UnsafePointer<UInt8>
    let size: Int
    var position = 0

    mutating func byte() -> UInt8 {
        defer { position += 1 }
        return position < size ? data[position] : 0
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(byte()) % n }

    mutating func u64() -> UInt64 { (0..<8).reduce(0) { value, _ in value << 8 | UInt64(byte()) } }

    /// An integer near `value`, at an edge, or anywhere.
    mutating func integer(near value: Int) -> Int {
        switch below(6) {
        case 0: return value &+ Int(Int8(bitPattern: byte()))
        case 1: return 0
        case 2: return -1
        case 3: return value &* 2
        case 4: return Int(truncatingIfNeeded: u64())
        default: return Int(Int32(truncatingIfNeeded: u64()))
        }
    }
}

/// Tiny real models to start from: a vocabulary model, one with word vectors, a hashing one.
let bases: [[UInt8]] = {
    let directory = NSTemporaryDirectory() + "lede-fuzz-structure-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var lines: [String] = []
    for round in 0..<6 {
        lines.append(#"{"text": "sanctions embargo on oil exports round \#(round)", "labels": ["sanctions"]}"#)
        lines.append(#"{"text": "troops attack the border town day \#(round)", "labels": ["conflict"]}"#)
        lines.append(#"{"text": "football match ends in a draw week \#(round)", "labels": []}"#)
    }
    let path = directory + "/toy.jsonl"
    try! (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    var options = TrainingOptions()
    options.features.minDF = .count(1)
    options.folds = 2
    var variants: [TrainingOptions] = [options]
    options.wordVectors = .on
    options.wordVectorDimensions = 4
    variants.append(options)
    options.wordVectors = .off
    options.features.hashBits = 6
    variants.append(options)
    return variants.map { try! ModelFile.serialize(try! Trainer(options: $0).train(try! LabeledDataReader(path: path)).model) }
}()

func integer(_ bytes: [UInt8], _ at: Int, _ size: Int) -> Int {
    (0..<size).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
}

func put(_ bytes: inout [UInt8], _ at: Int, _ value: UInt64, _ size: Int) {
    for i in 0..<size { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
}

func mutateMetadata(_ metadata: inout ModelMetadata, _ choices: inout Choices) {
    switch choices.below(10) {
    case 0: if let first = metadata.labels.first { metadata.labels.append(first) }
    case 1: if !metadata.labels.isEmpty { metadata.labels.removeLast() }
    case 2: let columns = choices.integer(near: metadata.columns); metadata.columns = columns
    case 3: metadata.thresholds = choices.below(2) == 0 ? Array(metadata.thresholds.dropLast()) : metadata.thresholds.map { _ in .nan }
    case 4: let value = choices.integer(near: metadata.features.ngramMin); metadata.features.ngramMin = value
    case 5: let value = choices.integer(near: metadata.features.ngramMax); metadata.features.ngramMax = value
    case 6:
        let bits = choices.integer(near: metadata.features.hashBits ?? 6)
        metadata.features.hashBits = bits
    case 7:
        let words = choices.integer(near: metadata.wordVectors?.words ?? 0)
        metadata.wordVectors?.words = words
    case 8:  // the other token hash: other n-gram keys for the same tables
        metadata.features.tokenHash = metadata.features.tokenHash == .fold ? .murmur : .fold
    default:
        let dimensions = choices.integer(near: metadata.wordVectors?.dimensions ?? 4)
        metadata.wordVectors?.dimensions = dimensions
    }
}

func fuzzModelStructure(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var choices = Choices(data: data, size: size)
    let base = bases[choices.below(bases.count)]
    var list = ModelFile.sections(in: base)!
    let version = UInt32(integer(base, 8, 4))
    for _ in 0..<(1 + choices.below(4)) {
        switch choices.below(5) {
        case 0:
            guard let meta = list.firstIndex(where: { $0.tag == "META" }),
                  var metadata = try? JSONDecoder().decode(ModelMetadata.self, from: Data(list[meta].bytes)) else { break }
            mutateMetadata(&metadata, &choices)
            list[meta].bytes = Array((try? JSONEncoder().encode(metadata)) ?? Data())
        case 1:  // one element of a section
            let index = choices.below(list.count), width = max(list[index].elementSize, 1)
            let count = list[index].bytes.count / width
            guard count > 0 else { break }
            let at = choices.below(min(count, 256)) * width + (choices.byte() & 1 == 0 ? 0 : (count - min(count, 256)) * width)
            put(&list[index].bytes, at, UInt64(bitPattern: Int64(choices.integer(near: integer(list[index].bytes, at, width)))), width)
        case 2:  // a section shorter or longer by some elements
            let index = choices.below(list.count), width = max(list[index].elementSize, 1)
            let change = (choices.below(9) - 4) * width
            if change < 0 { list[index].bytes.removeLast(min(-change, list[index].bytes.count)) } else { list[index].bytes += [UInt8](repeating: choices.byte(), count: change) }
        case 3:  // a section dropped or repeated
            let index = choices.below(list.count)
            if choices.byte() & 1 == 0 { list.remove(at: index) } else { list.append(list[index]) }
        default:
            break
        }
        if list.isEmpty { return 0 }
    }
    var file = ModelFile.assemble(list, version: version)
    if choices.below(3) == 0 {  // a table or header field, after layout
        let entry = 64 + 32 * choices.below(list.count)
        let field = [4, 8, 16][choices.below(3)]
        put(&file, field == 4 ? entry + 4 : entry + field, UInt64(bitPattern: Int64(choices.integer(near: integer(file, entry + field, 4)))), field == 4 ? 4 : 8)
    }
    ModelFile.seal(&file)
    guard let model = try? ModelFile.load(bytes: file, name: "fuzzed") else { return 0 }
    let scorer = DocumentScorer(model: model)
    _ = scorer.scores("sanctions and troops at the border, football and oil exports")
    for label in model.labels.indices {
        let explanation = scorer.explain(label: label, top: 5)
        for term in explanation.terms { _ = model.space.termText(Int(term.column)) }
    }
    for column in 0..<min(model.space.columns, 4096) { _ = model.space.termText(column) }
    return 0
}
