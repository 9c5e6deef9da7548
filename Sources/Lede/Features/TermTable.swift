/// The text of each vocabulary column ("sanctions", "security council"), for explanations and `inspect`.
///
/// Stored as UTF-8 bytes back to back, with `offsets[c] ..< offsets[c + 1]` the bytes of column `c`.
public struct TermTable: Sendable {
    public let offsets: Storage<UInt32>
    public let bytes: Storage<UInt8>

    public init(offsets: Storage<UInt32>, bytes: Storage<UInt8>) {
        self.offsets = offsets
        self.bytes = bytes
    }

    public init(terms: [[UInt8]]) {
        var offsets: [UInt32] = [0]
        var bytes: [UInt8] = []
        offsets.reserveCapacity(terms.count + 1)
        for term in terms {
            bytes.append(contentsOf: term)
            offsets.append(UInt32(bytes.count))
        }
        self.init(offsets: Storage(offsets), bytes: Storage(bytes))
    }

    public var count: Int { offsets.count - 1 }

    public func term(_ column: Int) -> String {
        let start = Int(offsets[column]), end = Int(offsets[column + 1])
        return String(decoding: UnsafeBufferPointer(start: bytes.base + start, count: end - start), as: UTF8.self)
    }
}
