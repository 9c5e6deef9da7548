/// A constant lookup table copied once into memory that is never freed nor written again, read through
/// a plain pointer in the hot loops (no array bounds checks, no retain).
///
/// Sendable because nothing writes it after `init` and it lives as long as the process: any thread may
/// read it.
struct PermanentTable<Element>: @unchecked Sendable {
    let pointer: UnsafePointer<Element>

    init(_ table: [Element]) {
        let copy = UnsafeMutablePointer<Element>.allocate(capacity: max(table.count, 1))
        copy.initialize(from: table, count: table.count)
        pointer = UnsafePointer(copy)
    }
}
