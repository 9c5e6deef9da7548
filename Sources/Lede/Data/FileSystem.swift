#if canImport(Glibc)
import Glibc
#endif

/// Small file-system queries, on POSIX calls (no Foundation objects per file).
public enum FileSystem {
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Entry names of a directory, sorted by their bytes, without "." and "..".
    public static func entries(of directory: String) throws -> [String] {
        guard let dir = opendir(directory) else {
            throw LedeError.io("cannot list directory: \(MappedFile.describe(errno))", file: directory)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Joins a directory and an entry name.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Every file below `directory` in sorted depth-first order, calling `body` with each path.
    ///
    /// Symbolic links to files are followed; links to directories are not (no loops). Entries that are
    /// neither files nor directories (FIFOs, sockets, devices) are passed to `body` too, so the caller
    /// can report them rather than lose them silently.
    public static func walk(_ directory: String, _ body: (String) throws -> Void) throws {
        for name in try entries(of: directory) {
            let path = join(directory, name)
            var info = stat()
            guard lstat(path, &info) == 0 else { try body(path); continue }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR {
                try walk(path, body)
            } else if kind == S_IFLNK {
                if isDirectory(path) { continue }
                try body(path)
            } else {
                try body(path)
            }
        }
    }
}
