import Foundation

/// libFuzzer's driver, for SwiftPM executables: SwiftPM links each executable's entry point as
/// `<module>_main`, which calls `runFuzzer` with the target's test function; libFuzzer then parses its
/// command line and runs.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}

/// Calls `body` with the path of a temporary file (unique to this process and `name`) holding the input.
public func withInputFile<R>(_ data: UnsafePointer<UInt8>, _ size: Int, named name: String, _ body: (String) throws -> R) rethrows -> R {
    let path = NSTemporaryDirectory() + "lede-fuzz-\(name)-\(getpid())"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
