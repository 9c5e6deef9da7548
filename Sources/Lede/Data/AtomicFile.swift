#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file's contents all at once: write a temporary file in the same directory, flush it to
/// disk, rename it over the target. Readers see the old file or the new one, never a mix.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedeError.io("cannot create \(temporary): \(MappedFile.describe(errno))", file: path) }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = MappedFile.describe(errno); return }
                done += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = MappedFile.describe(errno) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = MappedFile.describe(errno) }
        if let failure {
            unlink(temporary)
            throw LedeError.io("cannot write: \(failure) (the previous file, if any, is unchanged)", file: path)
        }
    }
}
