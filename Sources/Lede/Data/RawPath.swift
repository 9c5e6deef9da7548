/// A file name as the file system holds it: bytes, which need not be UTF-8. Names travel as bytes from the
/// directory listing (or the command line) to `open`, so a file whose name is not UTF-8 is read, and two
/// files never share a name, however alike they print.
public struct RawPath: Hashable, Sendable, CustomStringConvertible {
    /// The name's bytes (no NUL).
    public let bytes: [UInt8]

    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// `self/name`.
    public func appending(_ name: RawPath) -> RawPath {
        RawPath(bytes: bytes.last == 0x2F ? bytes + name.bytes : bytes + [0x2F] + name.bytes)
    }

    /// Calls `body` with the name as a NUL-terminated C string.
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// The name for messages: its UTF-8 as text, any other byte as `\xHH`.
    public var description: String {
        var text = ""
        var i = 0
        while i < bytes.count {
            let length = Tokenizer.validSequenceLength(bytes, at: i)
            if length > 0 {
                text += String(decoding: bytes[i..<(i + length)], as: UTF8.self)
                i += length
            } else {
                text += "\\x" + String(bytes[i] >> 4, radix: 16, uppercase: true) + String(bytes[i] & 15, radix: 16, uppercase: true)
                i += 1
            }
        }
        return text
    }
}
