#if canImport(Glibc)
import Glibc
#endif

/// Reads a file or standard input in chunks and hands out its lines, without the line ending and without a
/// leading UTF-8 byte-order mark. A line ends at LF, CRLF or a lone CR (old Mac files); a last line
/// without an ending is still a line.
///
/// Time is linear in the input, however long its lines (each byte is searched once); memory stays at the
/// chunk size plus the longest line, and a line longer than `maxLineBytes` is not kept: it is handed out
/// empty with `lineTooLong` set, and reading goes on at the next line.
public final class LineReader {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Reads of a regular file do not block; others (a pipe, a terminal) wait in `Interruption`'s way.
    private let regularFile: Bool
    // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
    @exclusivity(unchecked) private var buffer: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    /// Bytes before this offset (and after `start`) hold no line ending.
    @exclusivity(unchecked) private var searched = 0
    @exclusivity(unchecked) private var atEOF = false
    @exclusivity(unchecked) private var firstLine = true
    /// The longest line kept; longer ones are skipped to their end and reported by `lineTooLong`.
    public let maxLineBytes: Int
    /// Whether the line last handed out was longer than `maxLineBytes` (and handed out empty).
    @exclusivity(unchecked) public private(set) var lineTooLong = false
    /// Bytes of the overlong line being skipped.
    @exclusivity(unchecked) private var skipped = 0
    /// Number of the line last returned (1-based).
    @exclusivity(unchecked) public private(set) var lineNumber = 0
    /// Bytes consumed so far.
    @exclusivity(unchecked) public private(set) var bytesRead = 0

    static let chunkSize = 1 << 20

    /// Thrown by `nextLine` instead of waiting for live input when `beforeWaiting` asks so: no line was
    /// consumed, and the next call goes on where this one stopped.
    public struct WouldWait: Error {}

    /// Called when the next read would wait for live input (a pipe or terminal with nothing to read yet),
    /// before waiting; it may throw `WouldWait` (or anything else) to return instead. Not called for
    /// regular files, which never wait.
    public var beforeWaiting: (() throws -> Void)?

    /// Waits at most `milliseconds` for input to read; false on time-out. (Throws `Interruption.Requested`.)
    public func waitForInput(milliseconds: Int32) throws -> Bool {
        if regularFile { return true }
        return try Interruption.waitUntilReadable(fd, milliseconds: milliseconds)
    }

    /// Opens `path`, or standard input when `path` is "-". Only regular files are read by name: a FIFO or
    /// a device (which may never end) is refused; pipe it to standard input instead.
    public convenience init(path: String, maxLineBytes: Int = .max, directoryHint: String = "") throws {
        try self.init(path: RawPath(path), maxLineBytes: maxLineBytes, directoryHint: directoryHint)
    }

    /// `directoryHint` follows "is a directory; pass a file" when `raw` names a directory.
    public init(path raw: RawPath, maxLineBytes: Int = .max, directoryHint: String = "") throws {
        let path = raw.description
        self.path = path
        self.maxLineBytes = maxLineBytes
        if raw.bytes == [0x2D] {
            fd = 0
            ownsDescriptor = false
            var info = stat()
            regularFile = fstat(0, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        } else {
            fd = raw.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
            guard fd >= 0 else { throw LedeError.io(FileDescriptorIO.describe(errno), file: path) }
            ownsDescriptor = true
            var info = stat()
            let kind = fstat(fd, &info) == 0 ? info.st_mode & S_IFMT : S_IFREG
            if kind == S_IFDIR {
                close(fd)
                throw LedeError.io("is a directory; pass a file" + directoryHint, file: path)
            }
            if kind != S_IFREG {
                close(fd)
                throw LedeError.io("not a regular file (a FIFO, socket or device, which may never end); pipe it to standard input ('-') instead", file: path)
            }
            regularFile = true
        }
        capacity = LineReader.chunkSize
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Calls `body` with the next line's bytes (valid during the call); returns nil at the end of input.
    public func nextLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        while true {
            if let ending = findLineEnding() {
                // A CR at the end of the buffer may be the first half of a CRLF: read on to see.
                if ending.cr && ending.at + 1 == end && !atEOF {
                    searched = ending.at
                    try fill()
                    continue
                }
                let next = ending.cr && ending.at + 1 < end && buffer.load(fromByteOffset: ending.at + 1, as: UInt8.self) == 0x0A
                    ? ending.at + 2 : ending.at + 1
                let result = try emit(start, ending.at, consumed: next - start, body)
                start = next
                searched = next
                return result
            }
            searched = end
            if atEOF {
                guard start < end || skipped > 0 else { return nil }
                let result = try emit(start, end, consumed: end - start, body)
                start = end
                return result
            }
            if end - start > maxLineBytes {  // too long to keep: count it and drop what is buffered
                skipped += end - start
                start = end
                searched = end
            }
            try fill()
        }
    }

    /// The first LF or CR in `max(start, searched) ..< end`.
    private func findLineEnding() -> (at: Int, cr: Bool)? {
        let from = max(start, searched)
        guard from < end else { return nil }
        let newline = memchr(buffer + from, 0x0A, end - from).map { buffer.distance(to: $0) }
        let limit = newline ?? end
        if limit > from, let cr = memchr(buffer + from, 0x0D, limit - from) {
            return (buffer.distance(to: cr), true)
        }
        return newline.map { ($0, false) }
    }

    private func emit<R>(_ from: Int, _ to: Int, consumed: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        lineNumber += 1
        bytesRead += consumed + skipped
        lineTooLong = skipped > 0 || to - from > maxLineBytes
        skipped = 0
        if lineTooLong {
            firstLine = false
            return try body(UnsafeRawBufferPointer(start: buffer + from, count: 0))
        }
        var first = from
        if firstLine {
            firstLine = false
            if UTF16Text.hasByteOrderMark(UnsafeRawBufferPointer(start: buffer + first, count: to - first)) {
                throw LedeError.invalidData("the file is UTF-16 (it starts with a UTF-16 byte-order mark); convert it to UTF-8 first, e.g. iconv -f utf-16 -t utf-8", file: path, line: 1)
            }
            if to - first >= 3, buffer.load(fromByteOffset: first, as: UInt8.self) == 0xEF,
               buffer.load(fromByteOffset: first + 1, as: UInt8.self) == 0xBB,
               buffer.load(fromByteOffset: first + 2, as: UInt8.self) == 0xBF {
                first += 3
            }
        }
        return try body(UnsafeRawBufferPointer(start: buffer + first, count: to - first))
    }

    /// Moves the partial line to the front and reads more, growing the buffer for a line longer than it.
    private func fill() throws {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            searched -= start
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
            if !regularFile {
                if let beforeWaiting, !Interruption.isReadable(fd) { try beforeWaiting() }
                try Interruption.waitUntilReadable(fd)
            }
            let read: Int?
            do {
                read = try FileDescriptorIO.read(fd, into: buffer + end, count: capacity - end, interrupted: Interruption.check)
            } catch let failure as FileDescriptorIO.Failure {
                throw LedeError.io("read failed: \(failure)", file: path)
            }
            guard let n = read else {  // nothing yet on a non-blocking descriptor: wait again
                try Interruption.check()
                continue
            }
            if n == 0 { atEOF = true }
            end += n
            return
        }
    }
}
