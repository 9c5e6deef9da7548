import Foundation
import FuzzDriver
import Lede

/// Any bytes as a model file: loading refuses them with an error or returns a model that scores a
/// document without trapping. The seed corpus holds real model files, so mutations explore near them.
@_cdecl("fuzz_model_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzModel(data ?? UnsafePointer(bitPattern: 1)!, size) }
}

func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = NSTemporaryDirectory() + "lede-fuzz-model-\(getpid()).lede"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard let model = try? ModelFile.load(path) else { return 0 }
    let scorer = DocumentScorer(model: model)
    _ = scorer.scores("sanctions and troops at the border")
    return 0
}
