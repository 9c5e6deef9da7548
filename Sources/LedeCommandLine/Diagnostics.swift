import Foundation
import Lede

/// What the commands say on standard error: notes, progress, summaries and the error that ends a run,
/// each error with its parameters spelled as the command's options (`ParameterNaming.commandLine`).
public enum Diagnostics {
    /// Writes `text` as it is (progress lines rewrite themselves with `\r`).
    public static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes `text` and a newline.
    public static func line(_ text: String) {
        write(text + "\n")
    }

    /// `error` as the command says it: a `LedeError`'s place and message, parameters spelled as options.
    public static func describe(_ error: Error) -> String {
        (error as? LedeError)?.description(naming: .commandLine) ?? String(describing: error)
    }

    /// Writes `command: error` and exits with `status`.
    public static func exit(_ command: String, _ error: Error, status: Int32) -> Never {
        line("\(command): \(describe(error))")
        Foundation.exit(status)
    }
}
