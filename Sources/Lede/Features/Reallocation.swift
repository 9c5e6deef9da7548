extension UnsafeMutablePointer {
    /// Moves the first `count` elements of this allocation (plain values) into a new allocation of
    /// `capacity` elements, frees this one, and returns the new one: how the per-thread scratch buffers
    /// grow to the largest document seen.
    func reallocated(capacity: Int, keeping count: Int) -> UnsafeMutablePointer<Pointee> {
        precondition(count <= capacity)
        let larger = UnsafeMutablePointer<Pointee>.allocate(capacity: capacity)
        larger.moveInitialize(from: self, count: count)
        deallocate()
        return larger
    }
}
