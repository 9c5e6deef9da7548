import Lede

/// Buffered writes to standard output, whole records at a time.
public final class StandardOutput {
    private var buffer: [UInt8] = []

    public init() {}

    /// Buffers `bytes` (whole records), or writes them as they are when nothing is buffered and they
    /// are a large block already (a batch's records): no copy.
    public func write(_ bytes: [UInt8]) throws {
        if buffer.isEmpty && bytes.count >= 1 << 16 {
            try bytes.withUnsafeBytes { try FileDescriptorIO.writeRecords(1, $0) }
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered; on an interruption, up to the end of the record being written.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { try FileDescriptorIO.writeRecords(1, $0) }
    }
}
