#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file's contents all at once: write a new temporary file beside the target, flush it to disk,
/// rename it over the target, flush the directory. Readers see the old file or the new one, never a mix,
/// and once `write` returns the new file survives a power loss.
///
/// The temporary file is created with `O_EXCL | O_NOFOLLOW` under a name no other file has (a symbolic
/// link planted there makes the write fail instead of writing through it), named after the target:
/// `.NAME.partial-PID-N`. One left behind by a killed run is removed by the next write to the same target.
/// A target that exists and is not a regular file (a directory, FIFO, device or symbolic link) is refused.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try OutputPaths.refuseNonRegular(path)
        let (directory, name) = OutputPaths.split(path)
        removeStalePartials(of: name, in: directory)
        var temporary = "", fd: Int32 = -1
        for _ in 0..<16 where fd < 0 {
            temporary = FileSystem.join(directory, ".\(name).partial-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw LedeError.io("cannot create the temporary file \(temporary): \(FileDescriptorIO.describe(errno))", file: path)
        }
        var failure: String?
        do {
            try FileDescriptorIO.writeAll(fd, bytes)
        } catch {
            failure = (error as? LedeError)?.template ?? String(describing: error)
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot flush to disk: " + FileDescriptorIO.describe(errno) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = FileDescriptorIO.describe(errno) }
        if let failure {
            unlink(temporary)
            throw LedeError.io("cannot write: \(failure) (the previous file, if any, is unchanged)", file: path)
        }
        // The rename is durable once the directory is flushed.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            let synced = fsync(directoryFD)
            let code = errno
            close(directoryFD)
            if synced != 0 && code != EINVAL && code != EROFS {
                throw LedeError.io("written, but the directory could not be flushed to disk: \(FileDescriptorIO.describe(code))", file: path)
            }
        }
    }

    /// Removes `.NAME.partial-PID-N` files in `directory` whose process no longer runs.
    static func removeStalePartials(of name: String, in directory: String) {
        let prefix = ".\(name).partial-"
        guard let entries = try? FileSystem.entries(of: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                unlink(FileSystem.join(directory, entry))
            }
        }
    }
}
