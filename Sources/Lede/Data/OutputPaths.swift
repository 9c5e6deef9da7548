#if canImport(Glibc)
import Glibc
#endif

/// Checks on the files a command is about to write, so that it never replaces what it must not: a device,
/// a FIFO, a directory, a symbolic link, one of its own inputs, or another of its outputs.
public enum OutputPaths {
    /// A file the command writes, named by the option that gave it (for messages).
    public struct Output {
        public var option: String
        public var path: String
        public init(option: String, path: String) {
            self.option = option
            self.path = path
        }
    }

    /// Throws unless every output can be written: none is an existing non-regular file, none is the same
    /// file as an input (files compared by device and inode, so links and other spellings count), and no
    /// two outputs name the same file. `"-"` (standard output or input) is never compared.
    public static func check(_ outputs: [Output], inputs: [String]) throws {
        let written = outputs.filter { $0.path != "-" }
        for output in written {
            try refuseNonRegular(output.path, option: output.option)
            for input in inputs where input != "-" && sameFile(output.path, input) {
                throw LedeError.invalidOption("\(output.option) \(output.path) is the same file as the input \(input): writing it would destroy the input; choose another path")
            }
        }
        for (index, output) in written.enumerated() {
            for other in written[(index + 1)...] where sameFile(output.path, other.path) {
                throw LedeError.invalidOption("\(output.option) and \(other.option) name the same file (\(output.path)); give each its own path")
            }
        }
    }

    /// Throws when `path` exists and is not a regular file.
    public static func refuseNonRegular(_ path: String, option: String? = nil) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a directory"
        case S_IFLNK: kind = "a symbolic link (give the path it points to, to replace that file)"
        case S_IFIFO: kind = "a FIFO"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        let name = option.map { "\($0) \(path)" } ?? path
        throw LedeError.invalidOption("refusing to write \(name): it is \(kind), which a new file would replace; choose a regular file's path")
    }

    /// Whether two paths name the same file: the same device and inode when both exist, else the same
    /// resolved directory and name.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        let aExists = stat(a, &first) == 0, bExists = stat(b, &second) == 0
        if aExists && bExists { return first.st_dev == second.st_dev && first.st_ino == second.st_ino }
        if aExists != bExists { return false }
        return resolved(a) == resolved(b)
    }

    /// The resolved directory of `path` joined with its last component (the file itself need not exist).
    static func resolved(_ path: String) -> String {
        let (directory, name) = split(path)
        guard let real = realpath(directory, nil) else { return path }
        defer { free(real) }
        return FileSystem.join(String(cString: real), name)
    }

    /// The directory part of `path` ("." when there is none) and its last component.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
