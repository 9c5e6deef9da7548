#if canImport(Glibc)
import Glibc
#endif

/// Reads a file or standard input in chunks and hands out its lines, without the line ending (`\n` or
/// `\r\n`) and without a leading UTF-8 byte-order mark. A last line without a newline is still a line.
///
/// Memory stays at the chunk size plus the longest line, whatever the file's size.
public final class LineReader {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var firstLine = true
    /// Number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    /// Bytes consumed so far.
    public private(set) var bytesRead = 0

    static let chunkSize = 1 << 20

    /// Opens `path`, or standard input when `path` is "-".
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw LedeError.io(MappedFile.describe(errno), file: path) }
            ownsDescriptor = true
            var info = stat()
            if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                close(fd)
                throw LedeError.io("is a directory; pass a file (or --format dir for labeled directories)", file: path)
            }
        }
        capacity = LineReader.chunkSize
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Calls `body` with the next line's bytes (valid during the call); returns false at the end of input.
    public func nextLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        while true {
            if let newline = memchr(buffer + start, 0x0A, end - start) {
                let lineEnd = buffer.distance(to: newline)
                let result = try emit(start, lineEnd, body)
                start = lineEnd + 1
                return result
            }
            if atEOF {
                guard start < end else { return nil }
                let result = try emit(start, end, body)
                start = end
                return result
            }
            try fill()
        }
    }

    private func emit<R>(_ from: Int, _ to: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        lineNumber += 1
        bytesRead += to - from + 1
        var first = from, last = to
        if firstLine {
            firstLine = false
            if UTF16Text.hasByteOrderMark(UnsafeRawBufferPointer(start: buffer + first, count: last - first)) {
                throw LedeError.invalidData("the file is UTF-16 (it starts with a UTF-16 byte-order mark); convert it to UTF-8 first, e.g. iconv -f utf-16 -t utf-8", file: path, line: 1)
            }
            if last - first >= 3, buffer.load(fromByteOffset: first, as: UInt8.self) == 0xEF,
               buffer.load(fromByteOffset: first + 1, as: UInt8.self) == 0xBB,
               buffer.load(fromByteOffset: first + 2, as: UInt8.self) == 0xBF {
                first += 3
            }
        }
        if last > first, buffer.load(fromByteOffset: last - 1, as: UInt8.self) == 0x0D { last -= 1 }
        return try body(UnsafeRawBufferPointer(start: buffer + first, count: last - first))
    }

    /// Moves the partial line to the front and reads more, growing the buffer for a line longer than it.
    private func fill() throws {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            start = 0
        }
        if end == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw LedeError.io("read failed: \(MappedFile.describe(errno))", file: path) }
            if n == 0 { atEOF = true }
            end += n
            return
        }
    }
}
