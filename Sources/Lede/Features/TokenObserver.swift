/// Sees the token hashes of each training document that `VocabularyBuilder.add` reads, in order: a
/// document begins, its tokens follow (hashed with the feature settings' seed), it ends. Held-out
/// documents are not shown.
public protocol TokenObserver: AnyObject {
    func beginDocument()
    func token(_ hash: UInt64)
    func endDocument()
}
