import Foundation
import Lede

/// Finds the shipped topic model when no `--model` is given, in this order:
/// 1. `$LEDE_MODEL`;
/// 2. beside the running executable, as `/proc/self/exe` names it (so a command found through `PATH` or a
///    symbolic link finds its own files): `share/lede/topics.lede` of an install tree
///    (`PREFIX/bin/lede-classify` → `PREFIX/share/lede/`), or `models/topics.lede` of the source tree the
///    build lives in (`.build/release/lede-classify` → `models/`), looking up to five directories up;
/// 3. `models/topics.lede` in the current directory.
enum ShippedModel {
    static let fileName = "topics.lede"

    static func locate() throws -> String {
        if let path = ProcessInfo.processInfo.environment["LEDE_MODEL"], !path.isEmpty { return path }
        var candidates: [String] = []
        if let executable = executablePath() {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(directory.appendingPathComponent("share/lede/\(fileName)").path)
                candidates.append(directory.appendingPathComponent("models/\(fileName)").path)
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates.append("models/\(fileName)")
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw LedeError.invalidOption("""
            no model given and the shipped model (\(fileName)) was not found beside \(executablePath() ?? "this executable") \
            (in ../share/lede/ or a source tree's models/); pass --model FILE or set LEDE_MODEL
            """)
    }

    /// The running executable's real path: `/proc/self/exe` on Linux, else `argv[0]` with links resolved.
    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 { return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }
}
