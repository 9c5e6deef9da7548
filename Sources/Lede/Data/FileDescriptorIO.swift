#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Reads and writes on a file descriptor, through swift-system's `FileDescriptor`: every call goes through
/// `retrying`, which retries it when a signal interrupts it (EINTR) after asking `interrupted` whether to
/// stop (swift-system's own retry would hide the signal), and tells a descriptor that would block (EAGAIN)
/// from a failure.
public enum FileDescriptorIO {
    /// A failed system call: its errno.
    public struct Failure: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { FileDescriptorIO.describe(code) }
    }

    /// Runs `call` (one `read` or `write`) until no signal interrupts it: its byte count (0 at the end of
    /// input), or nil when a non-blocking descriptor has nothing to give or no room (EAGAIN). `interrupted`
    /// runs before each retry and may throw to stop. Throws `Failure` for any other error.
    @inline(__always)
    public static func retrying(_ call: () throws -> Int, interrupted: () throws -> Void = {}) throws -> Int? {
        while true {
            do {
                return try call()
            } catch let error as Errno where error == .interrupted {
                try interrupted()
            } catch let error as Errno where error == .resourceTemporarilyUnavailable || error == .wouldBlock {
                return nil
            } catch let error as Errno {
                throw Failure(code: error.rawValue)
            }
        }
    }

    /// Reads up to `count` bytes into `buffer` (see `retrying`).
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int,
                            interrupted: () throws -> Void = {}) throws -> Int? {
        let target = UnsafeMutableRawBufferPointer(start: buffer, count: count)
        return try retrying({
            try FileDescriptor(rawValue: fd).read(into: target, retryOnInterrupt: false)
        }, interrupted: interrupted)
    }

    /// Reads up to `count` bytes at `offset` in the file into `buffer` (`pread`: the descriptor's own
    /// position does not move; see `retrying`).
    static func read(_ fd: Int32, at offset: Int, into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int? {
        let target = UnsafeMutableRawBufferPointer(start: buffer, count: count)
        return try retrying({
            try FileDescriptor(rawValue: fd).read(fromAbsoluteOffset: Int64(offset), into: target, retryOnInterrupt: false)
        })
    }

    /// Writes up to `count` bytes from `bytes` (see `retrying`).
    static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, count: Int, interrupted: () throws -> Void = {}) throws -> Int? {
        let source = UnsafeRawBufferPointer(start: bytes, count: count)
        return try retrying({
            try FileDescriptor(rawValue: fd).write(source, retryOnInterrupt: false)
        }, interrupted: interrupted)
    }

    /// Writes every byte of `bytes`, or throws with the system's reason.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let written: Int?
            do {
                written = try write(fd, bytes.baseAddress! + done, count: bytes.count - done)
            } catch let failure as Failure {
                throw LedeError.io("write failed: \(failure)")
            }
            guard let n = written, n > 0 else { throw LedeError.io("write failed: \(describe(written == nil ? EAGAIN : EIO))") }
            done += n
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0) }
    }

    /// Writes `bytes`, whole newline-terminated records, so that the output never ends inside a record:
    /// when a signal asks to stop (`Interruption`) while the output blocks, the record in progress is
    /// finished (waiting up to `grace` milliseconds for the reader to take it) and `Interruption.Requested`
    /// is thrown; what was written then ends with a whole record.
    public static func writeRecords(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, grace: Int32 = 2000) throws {
        var done = 0
        while done < bytes.count {
            // A signal that asks to stop ends the call (`Stop`): the check below finishes the record.
            struct Stop: Error {}
            let written: Int?
            do {
                written = try write(fd, bytes.baseAddress! + done, count: bytes.count - done,
                                    interrupted: { if Interruption.pending != nil { throw Stop() } })
            } catch let failure as Failure {
                throw LedeError.io("cannot write output: \(failure)")
            } catch {
                written = 0
            }
            done += written ?? 0
            guard let signal = Interruption.pending else { continue }
            if done > 0 && done < bytes.count && bytes[done - 1] != 0x0A {
                let recordEnd = bytes[done...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
                try finish(fd, bytes, from: done, to: recordEnd, grace: grace)
            }
            throw Interruption.Requested(signal: signal)
        }
    }

    /// Writes `bytes[from ..< to]` in pieces the descriptor takes without blocking (a pipe that polls
    /// writable takes 4,096 bytes at once), giving up after `grace` milliseconds without progress.
    private static func finish(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, from: Int, to: Int, grace: Int32) throws {
        var done = from
        while done < to {
            var target = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&target, 1, grace) > 0 else { return }
            guard let n = try? write(fd, bytes.baseAddress! + done, count: min(4096, to - done)) else { return }
            done += n
        }
    }

    /// The system's text for an errno value.
    public static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
