#if canImport(Glibc)
import Glibc
#endif

/// A whole file's bytes, read-only, memory-mapped (or read, when the file is small or cannot be mapped).
public final class MappedFile: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// Files below this size are read rather than mapped: a read is cheaper than a map for them.
    static let mapThreshold = 64 * 1024

    public init(path: String) throws {
        // Non-blocking, so that a FIFO without a writer is refused below instead of waiting forever.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw LedeError.io(MappedFile.describe(errno), file: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LedeError.io(MappedFile.describe(errno), file: path) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw LedeError.io("is a directory, not a file", file: path) }
        guard kind == S_IFREG else {
            throw LedeError.io("not a regular file (a FIFO, socket or device); pass regular files or use '-' for standard input", file: path)
        }
        let size = Int(info.st_size)
        if size >= MappedFile.mapThreshold,
           let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED {
            madvise(address, size, MADV_SEQUENTIAL)
            bytes = UnsafeRawBufferPointer(start: address, count: size)
            mapped = true
            return
        }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 64)
        var done = 0
        while done < size {
            let n = read(fd, memory + done, size - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let message = MappedFile.describe(errno)
                memory.deallocate()
                throw LedeError.io(message, file: path)
            }
            if n == 0 { break }  // the file shrank while reading
            done += n
        }
        bytes = UnsafeRawBufferPointer(start: memory, count: done)
        mapped = false
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
        }
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
