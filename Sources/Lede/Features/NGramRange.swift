import Foundation

/// The lengths of the word n-grams a feature space counts, `min...max` (scikit-learn's `ngram_range`).
public struct NGramRange: Equatable, Sendable, CustomStringConvertible {
    public var min: Int
    public var max: Int

    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }

    /// Parses `"N"` (min = max = N) or `"MIN...MAX"` (also `"MIN,MAX"`); nil for anything else. The
    /// bounds are checked by `FeatureSettings.validate`.
    public init?(parsing text: String) {
        let parts = text.replacingOccurrences(of: "...", with: ",").split(separator: ",")
        let numbers = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == parts.count, (1...2).contains(numbers.count) else { return nil }
        self.init(min: numbers[0], max: numbers[numbers.count - 1])
    }

    /// `"1...2"`.
    public var description: String { "\(min)...\(max)" }
}
