#if canImport(Glibc)
import Glibc
#endif

/// Zeroed anonymous memory in 2 MiB pages where the kernel gives them (`MADV_HUGEPAGE`), for tables that
/// scoring reads at random: a 2 MB table in one huge page takes one TLB entry where it would take 512.
/// The memory starts on a 2 MiB boundary and its last huge page is whole (the mapping reserves up to
/// 4 MiB more address space, never touched): the kernel backs only whole, aligned 2 MiB ranges with huge
/// pages, and does not align a mapping whose length is not a multiple of them. Unmapped when this
/// object goes.
public final class PageMemory: @unchecked Sendable {
    /// `count` bytes from a 2 MiB boundary.
    public let base: UnsafeMutableRawPointer
    public let count: Int
    private let mapping: UnsafeMutableRawPointer
    private let mappedBytes: Int

    /// Below this many bytes the heap serves as well: a table that small spans few pages.
    public static let worthwhileBytes = 1 << 20
    public static let hugePageBytes = 2 << 20

    /// `count` zeroed bytes, or nil when the kernel refuses the mapping (the caller then uses the heap).
    public init?(zeroed count: Int) {
        let huge = PageMemory.hugePageBytes
        guard count > 0 && count <= Int.max - 3 * huge else { return nil }
        let whole = (count + huge - 1) / huge * huge
        guard let pages = mmap(nil, whole + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              pages != MAP_FAILED else { return nil }
        mapping = pages
        mappedBytes = whole + huge
        base = pages + ((huge - Int(bitPattern: pages) % huge) % huge)
        self.count = count
        madvise(base, whole, MADV_HUGEPAGE)
    }

    deinit {
        munmap(mapping, mappedBytes)
    }
}

extension Storage where Element == UInt8 {
    /// `count` zeroed bytes for a table read at random: in pages of their own (`PageMemory`) from
    /// `PageMemory.worthwhileBytes` on, else (or when the kernel refuses the mapping) as `init(zeroed:)`.
    public convenience init(zeroedPages count: Int) {
        if count >= PageMemory.worthwhileBytes, let pages = PageMemory(zeroed: count) {
            self.init(mapped: UnsafePointer(pages.base.bindMemory(to: UInt8.self, capacity: count)), count: count, owner: pages)
        } else {
            self.init(zeroed: count)
        }
    }
}
