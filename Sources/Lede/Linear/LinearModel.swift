import Foundation
import CLedeSupport
#if canImport(Glibc)
import Glibc
#endif

/// A linear scorer: `z = x W + b`, with `W` dense Float32, feature-major (`W[j * K + k]`: the K scores
/// of column j are contiguous, so a sparse document touches one short row per non-zero), and the
/// probabilities and decisions derived from `z`.
public struct LinearModel: Sendable {
    public let labels: [String]
    /// One-vs-rest sigmoid per label when true; softmax over labels when false.
    public let multiLabel: Bool
    public let features: Int
    /// Dense weights, `features * labels`. A loaded model rebuilds them from its weight slots on first use
    /// (explanations, `inspect`): scoring reads the slots and never needs them.
    public var weights: Storage<Float> { source.weights }
    private let source: WeightSource
    public let bias: Storage<Float>
    /// Per-label probability thresholds. Multi-label: a label is predicted when its probability reaches its
    /// threshold. Single-label: the most probable label is predicted (thresholds apply only on request).
    public let thresholds: [Float]

    public init(labels: [String], multiLabel: Bool, features: Int, weights: Storage<Float>, bias: Storage<Float>,
                thresholds: [Float]) {
        precondition(weights.count == features * labels.count && bias.count == labels.count && thresholds.count == labels.count)
        self.labels = labels
        self.multiLabel = multiLabel
        self.features = features
        self.source = WeightSource(weights)
        self.bias = bias
        self.thresholds = thresholds
    }

    /// A model whose dense weights `build()` makes on first use (once, whichever thread asks first).
    public init(labels: [String], multiLabel: Bool, features: Int, bias: Storage<Float>, thresholds: [Float],
                weights build: @escaping @Sendable () -> Storage<Float>) {
        precondition(bias.count == labels.count && thresholds.count == labels.count)
        self.labels = labels
        self.multiLabel = multiLabel
        self.features = features
        self.source = WeightSource(build)
        self.bias = bias
        self.thresholds = thresholds
    }

    public var labelCount: Int { labels.count }

    /// Raw scores `z_k = b_k + sum_j x_j W[j, k]` into `out` (K values).
    @inline(__always)
    public func margins(_ x: SparseVector, into out: UnsafeMutablePointer<Float>) {
        LinearModel.margins(x, weights: weights.base, bias: bias.base, labels: labels.count, into: out)
    }

    /// The margins on raw arrays (for hot paths that cache the model's pointers).
    @inline(__always)
    static func margins(_ x: SparseVector, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>, labels k: Int,
                        into out: UnsafeMutablePointer<Float>) {
        out.update(from: bias, count: k)
        let columns = x.columns, values = x.values
        let ahead = 8  // rows fetched ahead: a large model's rows are cache misses
        for e in 0..<min(ahead, x.count) { lede_prefetch(w + Int(columns[e]) * k) }
        for e in 0..<x.count {
            if e + ahead < x.count { lede_prefetch(w + Int(columns[e + ahead]) * k) }
            let row = w + Int(columns[e]) * k
            let value = values[e]
            for label in 0..<k { out[label] += value * row[label] }
        }
    }

    /// Turns margins into probabilities in place: sigmoid per label, or softmax.
    @inline(__always)
    public func probabilities(fromMargins z: UnsafeMutablePointer<Float>) {
        Probabilities.apply(z, count: labels.count, multiLabel: multiLabel)
    }

    /// The rule from probabilities to predicted labels.
    public var decision: LabelDecision { LabelDecision(multiLabel: multiLabel, thresholds: thresholds) }

    /// The predicted labels' indices for probabilities `p`, most probable first (`LabelDecision.decide`).
    public func decide(_ p: UnsafePointer<Float>, threshold: Float? = nil, topK: Int? = nil, into chosen: inout [Int]) {
        decision.decide(p, threshold: threshold, topK: topK, into: &chosen)
    }
}

/// Dense weights given, or built once on first use.
private final class WeightSource: @unchecked Sendable {
    private let lock = NSLock()
    private var built: Storage<Float>?
    private let build: (@Sendable () -> Storage<Float>)?

    init(_ weights: Storage<Float>) {
        built = weights
        build = nil
    }

    init(_ build: @escaping @Sendable () -> Storage<Float>) {
        self.build = build
    }

    var weights: Storage<Float> {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let weights = build!()
        built = weights
        return weights
    }
}

/// Sigmoid and softmax, numerically safe for any margin.
public enum Probabilities {
    /// sigma(z) = 1 / (1 + e^-z)
    @inline(__always)
    public static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + PortableMath.exp(-z)) : PortableMath.exp(z) / (1 + PortableMath.exp(z))
    }

    /// ln(1 + e^z) without overflow.
    @inline(__always)
    public static func softplus(_ z: Double) -> Double {
        z > 0 ? z + PortableMath.log1p(PortableMath.exp(-z)) : PortableMath.log1p(PortableMath.exp(z))
    }

    /// softmax(z)_k = e^(z_k - max z) / sum_l e^(z_l - max z)
    @inline(__always)
    public static func apply(_ z: UnsafeMutablePointer<Float>, count: Int, multiLabel: Bool) {
        if multiLabel {
            for k in 0..<count { z[k] = Float(sigmoid(Double(z[k]))) }
            return
        }
        var top = -Float.infinity
        for k in 0..<count { top = max(top, z[k]) }
        var total = 0.0
        for k in 0..<count {
            let e = PortableMath.exp(Double(z[k] - top))
            z[k] = Float(e)
            total += e
        }
        for k in 0..<count { z[k] = Float(Double(z[k]) / total) }
    }
}
