import Foundation
import FuzzDriver
import Lede

/// Any bytes as a labeled data file in each format: the reader returns records or a clear error, never traps.
@_cdecl("fuzz_labeled_data_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzLabeledData(data ?? UnsafePointer(bitPattern: 1)!, size) }
}

func fuzzLabeledData(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size, named: "labeled") { path in
        for format in [LabeledDataFormat.jsonl, .tsv, .csv, .fasttext] {
            for skip in [false, true] {
                guard var reader = try? LabeledDataReader(path: path, format: format) else { continue }
                reader.skipInvalid = skip
                _ = try? reader.forEach { record in precondition(record.line >= 1) }
            }
        }
    }
    return 0
}
