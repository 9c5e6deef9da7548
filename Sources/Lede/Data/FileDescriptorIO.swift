#if canImport(Glibc)
import Glibc
#endif

/// Whole writes and reads on a file descriptor, retried when a signal interrupts them (EINTR).
public enum FileDescriptorIO {
    /// Writes every byte of `bytes`, or throws with the system's reason.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw LedeError.io("write failed: \(FileDescriptorIO.describe(n < 0 ? errno : EIO))") }
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
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n > 0 { done += n }
            if n < 0 && errno != EINTR && errno != EAGAIN {
                throw LedeError.io("cannot write output: \(describe(errno))")
            }
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
            let n = Glibc.write(fd, bytes.baseAddress! + done, min(4096, to - done))
            if n > 0 { done += n } else if n < 0 && errno != EINTR && errno != EAGAIN { return }
        }
    }

    /// The system's text for an errno value.
    public static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
