import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A whole regular file's bytes, read into memory this object owns.
///
/// Read, not memory-mapped: a mapped file that another process truncates or rewrites in place while it is
/// used kills the reader with SIGBUS or changes under it; a copy cannot. Reading stops at the end of the
/// file as it is then (a file that shrinks gives fewer bytes, one that grows more), or throws once it passes
/// `limit` bytes.
public final class FileContents: @unchecked Sendable {
    /// The bytes, alive as long as this object (the module's readers keep it alive while they use them).
    let bytes: UnsafeRawBufferPointer

    public var count: Int { bytes.count }

    /// Calls `body` with the file's bytes, valid during the call.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(bytes) }
    }
    /// The memory holding `bytes` and its size.
    private var memory: Memory

    /// Files of this size or more are read into whole pages of their own, 2 MB ones where the kernel
    /// gives them (`MADV_HUGEPAGE`): a 50 MB model then costs a few dozen page faults, not 12,000.
    static let pageBacked = PageMemory.worthwhileBytes

    /// Files of this size or more are read on several threads at once when asked (`inParallel`).
    static let parallelFrom = 8 << 20

    public convenience init(path: String, limit: Int = .max, inParallel: Bool = false) throws {
        try self.init(path: RawPath(path), limit: limit, inParallel: inParallel)
    }

    /// Reads `raw`: a regular file (directories, FIFOs, sockets and devices are refused without blocking).
    /// With `inParallel`, a file of `parallelFrom` bytes or more is read in 2 MiB chunks by as many threads
    /// as there are cores, each taking the next chunk not yet taken, so that the kernel's zeroing of the
    /// fresh pages and the copy into them run on every core, and a core whose pages come slower (a VM's
    /// host backing them on first touch: up to 5 ms per 2 MiB here) reads fewer chunks instead of holding
    /// the others up. The bytes are the same as read in order.
    public init(path raw: RawPath, limit: Int = .max, inParallel: Bool = false) throws {
        let path = raw.description
        // Non-blocking, so that a FIFO without a writer is refused below instead of waiting forever.
        let fd = raw.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else { throw LedeError.io(FileDescriptorIO.describe(errno), file: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LedeError.io(FileDescriptorIO.describe(errno), file: path) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw LedeError.io("is a directory, not a file", file: path) }
        guard kind == S_IFREG else {
            throw LedeError.io("not a regular file (a FIFO, socket or device); pass regular files or use '-' for standard input", file: path)
        }
        let size = Int(info.st_size)
        if size > limit { throw FileContents.tooLarge(path, limit) }
        // One byte more than the size, to see a file that grew without a second allocation.
        var memory = Memory(capacity: max(size + 1, 64))
        var done = 0
        if inParallel && size >= FileContents.parallelFrom && FileContents.readChunks(fd, into: memory.base, size: size)
            && lseek(fd, off_t(size), SEEK_SET) == off_t(size)
        {
            done = size  // and on from there, as below, should the file have grown
        }
        while true {
            if done == memory.capacity {
                guard done <= limit else {
                    memory.release()
                    throw FileContents.tooLarge(path, limit)
                }
                memory.grow(keeping: done)
            }
            let read: Int?
            do {
                read = try FileDescriptorIO.read(fd, into: memory.base + done, count: memory.capacity - done)
            } catch let failure as FileDescriptorIO.Failure {
                memory.release()
                throw LedeError.io(failure.description, file: path)
            }
            // A regular file never blocks; a descriptor that would (EAGAIN) is at no end: stop as at one.
            guard let n = read, n > 0 else { break }
            done += n
        }
        if done > limit {
            memory.release()
            throw FileContents.tooLarge(path, limit)
        }
        self.memory = memory
        bytes = UnsafeRawBufferPointer(start: memory.base, count: done)
    }

    /// A copy of `source` (for bytes that did not come from a file).
    public init(copying source: UnsafeRawBufferPointer) {
        memory = Memory(capacity: max(source.count, 1))
        if source.count > 0 { memory.base.copyMemory(from: source.baseAddress!, byteCount: source.count) }
        bytes = UnsafeRawBufferPointer(start: memory.base, count: source.count)
    }

    deinit {
        memory.release()
    }

    /// Heap memory for small files, anonymous pages (`PageMemory`) for large ones.
    private struct Memory {
        private(set) var base: UnsafeMutableRawPointer
        private(set) var capacity: Int
        /// The pages holding `base`, or nil when it is heap memory.
        private var pages: PageMemory?

        init(capacity: Int) {
            self.capacity = capacity
            (base, pages) = Memory.allocate(capacity)
        }

        private static func allocate(_ capacity: Int) -> (UnsafeMutableRawPointer, pages: PageMemory?) {
            if capacity >= FileContents.pageBacked, let pages = PageMemory(zeroed: capacity) {
                return (pages.base, pages)
            }
            return (.allocate(byteCount: capacity, alignment: 64), nil)
        }

        mutating func grow(keeping count: Int) {
            let (bigger, biggerPages) = Memory.allocate(capacity * 2)
            bigger.copyMemory(from: base, byteCount: count)
            release()
            (base, pages) = (bigger, biggerPages)
            capacity *= 2
        }

        /// Frees heap memory; pages are unmapped when the last copy of this value goes.
        func release() {
            if pages == nil { base.deallocate() }
        }
    }

    /// Reads bytes `0..<size` of `fd` into `base` in 2 MiB chunks (from `base`, which page memory starts
    /// on a 2 MiB boundary, so that no two threads fault the same huge page), spread over
    /// `Parallel.availableCores` threads. False when a chunk came short or failed (the file shrank or
    /// changed while read): the caller then reads the file again from its start, in order, and meets any
    /// error there.
    private static func readChunks(_ fd: Int32, into base: UnsafeMutableRawPointer, size: Int) -> Bool {
        let chunk = PageMemory.hugePageBytes
        let chunks = (size + chunk - 1) / chunk
        let complete = Atomic<Int>(0)
        // Each chunk is written by the one thread that takes it, and read only after all have returned.
        Parallel.forEach(blocks: chunks, threads: Parallel.availableCores) { index in
            let start = index * chunk
            if readFully(fd, at: start, into: base + start, count: min(chunk, size - start)) {
                complete.wrappingAdd(1, ordering: .relaxed)
            }
        }
        return complete.load(ordering: .relaxed) == chunks
    }

    private static func readFully(_ fd: Int32, at offset: Int, into base: UnsafeMutableRawPointer, count: Int) -> Bool {
        var done = 0
        while done < count {
            guard let n = try? FileDescriptorIO.read(fd, at: offset + done, into: base + done, count: count - done),
                  n > 0 else { return false }
            done += n
        }
        return true
    }

    private static func tooLarge(_ path: String, _ limit: Int) -> LedeError {
        LedeError.io("larger than the limit of \(limit) bytes for one document", file: path)
    }
}
