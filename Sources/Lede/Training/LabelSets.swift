/// The true labels of each training document, as label indices: document d has
/// `indices[offsets[d] ..< offsets[d + 1]]` (sorted, possibly none in multi-label data).
public struct LabelSets: Sendable {
    public private(set) var offsets: [Int] = [0]
    public private(set) var indices: [Int32] = []

    public init() {}

    public init(_ sets: [[Int]]) {
        for set in sets { append(set) }
    }

    public mutating func append(_ labels: [Int]) {
        indices.append(contentsOf: labels.sorted().map(Int32.init))
        offsets.append(indices.count)
    }

    public var count: Int { offsets.count - 1 }

    public subscript(document: Int) -> ArraySlice<Int32> { indices[offsets[document]..<offsets[document + 1]] }

    public func contains(_ document: Int, _ label: Int) -> Bool {
        self[document].contains(Int32(label))
    }

    public func subset(_ documents: [Int]) -> LabelSets {
        LabelSets(documents.map { self[$0].map(Int.init) })
    }
}
