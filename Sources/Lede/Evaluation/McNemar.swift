/// McNemar's test for two classifiers' decisions on the same items: of the items exactly one of them
/// gets right, b only the second and c only the first; without a real difference b ~ Binomial(b + c, 1/2),
/// so `z = (b - c) / sqrt(b + c)` is about standard normal. The second is better with 97.5% confidence
/// (one-sided) when `z > 1.96`.
public struct McNemar: Sendable {
    public let onlyFirstRight: Int
    public let onlySecondRight: Int

    /// The z above which the second is significantly better.
    public static let significant = 1.96

    public init(_ first: [Bool], _ second: [Bool]) {
        precondition(first.count == second.count)
        var b = 0, c = 0
        for (x, y) in zip(first, second) where x != y {
            if y { b += 1 } else { c += 1 }
        }
        onlySecondRight = b
        onlyFirstRight = c
    }

    /// `(b - c) / sqrt(b + c)`, 0 when they never differ.
    public var z: Double {
        let n = onlyFirstRight + onlySecondRight
        return n == 0 ? 0 : Double(onlySecondRight - onlyFirstRight) / Double(n).squareRoot()
    }
}
