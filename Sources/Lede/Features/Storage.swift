/// A read-only array of plain values that either owns its memory or points into a memory-mapped file.
///
/// Models are memory-mapped on load, so their vocabulary, idf and weights are used in place, never
/// copied or parsed; models built in memory own their arrays. Both look the same to the hot path.
public final class Storage<Element>: @unchecked Sendable {
    /// The elements, alive as long as this storage: for the module's kernels, which keep this object alive
    /// while they use it.
    let base: UnsafePointer<Element>
    public let count: Int
    private let owned: UnsafeMutablePointer<Element>?
    private let owner: AnyObject?

    /// Copies `array` into memory owned by this storage.
    public init(_ array: [Element]) {
        let memory = UnsafeMutablePointer<Element>.allocate(capacity: max(array.count, 1))
        _ = UnsafeMutableBufferPointer(start: memory, count: array.count).initialize(from: array)
        owned = memory
        base = UnsafePointer(memory)
        count = array.count
        owner = nil
    }

    /// `count` zeroed elements owned by this storage, 64-byte aligned (filled in by their builder before
    /// they are shared).
    public init(zeroed count: Int) where Element: FixedWidthInteger {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Element>.stride, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1) * MemoryLayout<Element>.stride)
        let memory = raw.bindMemory(to: Element.self, capacity: max(count, 1))
        owned = memory
        base = UnsafePointer(memory)
        self.count = count
        owner = nil
    }

    /// Points at `count` elements that `owner` keeps alive (a model file's bytes, or `PageMemory`).
    init(mapped base: UnsafePointer<Element>, count: Int, owner: AnyObject) {
        self.base = base
        self.count = count
        self.owned = nil
        self.owner = owner
    }

    deinit {
        if let owned {
            owned.deinitialize(count: count)
            owned.deallocate()
        }
    }

    @inline(__always)
    public subscript(index: Int) -> Element { base[index] }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// Calls `body` with the elements, valid during the call.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(buffer) }
    }

    public var array: [Element] { Array(buffer) }
}
