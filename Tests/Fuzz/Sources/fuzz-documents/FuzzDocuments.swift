import Foundation
import FuzzDriver
import Lede

/// Any bytes as lede-classify input in each input format: exactly one record per document, whatever the
/// bytes (checked by counting the records against the documents the classifier reports).
@_cdecl("fuzz_documents_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzDocuments(data ?? UnsafePointer(bitPattern: 1)!, size) }
}

func fuzzDocuments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size, named: "documents") { path in
        for format in [InputFormat.files, .lines, .jsonl, .tsv] {
            var options = BatchClassifier.Options()
            options.threads = 1
            options.html = size > 0 && data[0] & 1 == 1
            let classifier = BatchClassifier(model: FuzzModel.shared, options: options)
            var records = 0
            try? classifier.run(inputs: [path], format: format, write: { bytes in records += bytes.lazy.filter { $0 == 0x0A }.count })
            precondition(records == classifier.totals.documents, "one record per document")
        }
    }
    return 0
}

/// A small real model, trained once.
enum FuzzModel {
    static let shared: LedeModel = {
        let path = NSTemporaryDirectory() + "lede-fuzz-train-\(getpid()).tsv"
        let text = (0..<20).map { "\($0 % 2 == 0 ? "a" : "b")\tword\($0 % 2) text number \($0)" }.joined(separator: "\n")
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        options.threads = 1
        return try! Trainer(options: options).train(try! LabeledDataReader(path: path)).model
    }()
}
