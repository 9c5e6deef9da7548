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
    withInputFile(data, size, named: "model") { path in
        guard let model = try? ModelFile.load(path) else { return }
        _ = DocumentScorer(model: model).scores("sanctions and troops at the border")
    }
    return 0
}
