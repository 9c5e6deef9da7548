#if canImport(Glibc)
import Glibc
#endif

/// Small file-system queries, on POSIX calls (no Foundation objects per file), with names as bytes.
public enum FileSystem {
    public static func isDirectory(_ path: String) -> Bool { isDirectory(RawPath(path)) }

    public static func isDirectory(_ path: RawPath) -> Bool {
        var info = stat()
        return path.withCString { stat($0, &info) } == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Entry names of a directory, sorted by their bytes, without "." and "..".
    public static func entries(of directory: String) throws -> [String] {
        try entries(of: RawPath(directory)).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// Entry names of a directory as bytes, sorted, without "." and "..".
    public static func entries(of directory: RawPath) throws -> [RawPath] {
        guard let dir = directory.withCString({ opendir($0) }) else {
            throw LedeError.io("cannot list directory: \(FileDescriptorIO.describe(errno))", file: directory.description)
        }
        defer { closedir(dir) }
        var names: [RawPath] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(UnsafeRawBufferPointer(start: raw.baseAddress!, count: strlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self))))
            }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(RawPath(bytes: name)) }
        }
        return names.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }

    /// Joins a directory and an entry name.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Every file below `directory` in sorted depth-first order, calling `body` with each path and its size
    /// in bytes (a link's target's; 0 for what is not a regular file).
    ///
    /// Symbolic links to files are followed; links to directories are not (no loops). Entries that are
    /// neither files nor directories (FIFOs, sockets, devices) are passed to `body` too, so the caller
    /// can report them rather than lose them silently. A sub-directory that cannot be listed goes to
    /// `unreadable` with the reason, and the walk goes on with its siblings; only `directory` itself
    /// failing to list throws.
    public static func walk(_ directory: RawPath, _ body: (RawPath, _ bytes: Int) throws -> Void,
                            unreadable: (RawPath, LedeError) throws -> Void) throws {
        var walk = try DirectoryWalk(directory)
        while let step = walk.next() {
            switch step {
            case .file(let path, let bytes): try body(path, bytes)
            case .unreadable(let path, let error): try unreadable(path, error)
            }
        }
    }

    /// The size of the regular file at `path` (following links), 0 for anything else.
    public static func regularFileSize(_ path: RawPath) -> Int {
        var info = stat()
        guard path.withCString({ stat($0, &info) }) == 0, info.st_mode & S_IFMT == S_IFREG else { return 0 }
        return Int(info.st_size)
    }
}

/// The walk of `FileSystem.walk` one entry at a time, so that a caller can act on the first files of a large
/// tree before the rest is listed: each directory's names are read (and sorted) when the walk enters it, and
/// each entry is looked at (`lstat`) when its turn comes. The same entries in the same order, with the
/// same rules, as `FileSystem.walk`.
public struct DirectoryWalk {
    /// What the walk found next: a file (or what is neither a file nor a directory) with its size in bytes,
    /// or a sub-directory that could not be listed.
    public enum Step {
        case file(RawPath, bytes: Int)
        case unreadable(RawPath, LedeError)
    }

    /// The directories entered and not finished, innermost last, each with its sorted names and the next
    /// one to look at.
    private var open: [(directory: RawPath, names: [RawPath], next: Int)]

    /// Lists `directory` (throws when it cannot be listed).
    public init(_ directory: RawPath) throws {
        open = [(directory, try FileSystem.entries(of: directory), 0)]
    }

    /// The next file or unreadable sub-directory in sorted depth-first order; nil when the walk is done.
    public mutating func next() -> Step? {
        while var top = open.popLast() {
            guard top.next < top.names.count else { continue }  // this directory is done
            let path = top.directory.appending(top.names[top.next])
            top.next += 1
            open.append(top)
            var info = stat()
            guard path.withCString({ lstat($0, &info) }) == 0 else { return .file(path, bytes: 0) }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR {
                do {
                    open.append((path, try FileSystem.entries(of: path), 0))
                } catch let error as LedeError {
                    return .unreadable(path, error)
                } catch {
                    return .unreadable(path, LedeError.io(String(describing: error), file: path.description))
                }
            } else if kind == S_IFLNK {
                var target = stat()  // what the link points to (a dangling link is a file, to be reported)
                let found = path.withCString({ stat($0, &target) }) == 0
                if found && target.st_mode & S_IFMT == S_IFDIR { continue }  // links to directories are not followed
                return .file(path, bytes: found && target.st_mode & S_IFMT == S_IFREG ? Int(target.st_size) : 0)
            } else {
                return .file(path, bytes: kind == S_IFREG ? Int(info.st_size) : 0)
            }
        }
        return nil
    }
}
