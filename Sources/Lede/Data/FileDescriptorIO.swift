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
            if n <= 0 { throw LedeError.io("write failed: \(MappedFile.describe(n < 0 ? errno : EIO))") }
            done += n
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0) }
    }
}
