#if canImport(Glibc)
import Glibc
#endif

/// Turns raw linear scores into probabilities, fitted on out-of-fold scores.
public enum Calibration {
    /// Platt scaling: `P(y = 1 | f) = sigma(a f + c)`, with (a, c) minimizing the log loss of Platt's
    /// smoothed targets `t+ = (N+ + 1) / (N+ + 2)`, `t- = 1 / (N- + 2)`, by Newton's method with
    /// backtracking (Lin, Lin and Weng, "A note on Platt's probabilistic outputs", 2007).
    ///
    /// Returns (1, 0) (the scores read as logits) when there is no example of one of the classes.
    public static func platt(scores: [Double], positives: [Bool]) -> (a: Double, c: Double) {
        precondition(scores.count == positives.count)
        let positiveCount = Double(positives.lazy.filter { $0 }.count)
        let negativeCount = Double(scores.count) - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return (1, 0) }
        let high = (positiveCount + 1) / (positiveCount + 2), low = 1 / (negativeCount + 2)
        let targets = positives.map { $0 ? high : low }
        // Lin et al. write p = 1 / (1 + exp(A f + B)); here a = -A and c = -B.
        func loss(_ A: Double, _ B: Double) -> Double {
            var total = 0.0
            for (f, t) in zip(scores, targets) {
                let z = A * f + B
                // t ln(1 + e^z) + (1 - t) ln(1 + e^-z), arranged to avoid overflow
                total += z >= 0 ? t * z + Probabilities.softplus(-z) : (t - 1) * z + Probabilities.softplus(z)
            }
            return total
        }
        var A = 0.0, B = PortableMath.log((negativeCount + 1) / (positiveCount + 1))
        var value = loss(A, B)
        for _ in 0..<100 {
            var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for (f, t) in zip(scores, targets) {
                let z = A * f + B
                let q = Probabilities.sigmoid(z), p = Probabilities.sigmoid(-z)
                let d2 = p * q
                h11 += f * f * d2
                h22 += d2
                h21 += f * d2
                let d1 = t - p
                g1 += f * d1
                g2 += d1
            }
            if abs(g1) < 1e-5 && abs(g2) < 1e-5 { break }
            let determinant = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / determinant
            let dB = -(-h21 * g1 + h11 * g2) / determinant
            let slope = g1 * dA + g2 * dB
            var step = 1.0
            var moved = false
            while step >= 1e-10 {
                let candidate = loss(A + step * dA, B + step * dB)
                if candidate < value + 1e-4 * step * slope {
                    A += step * dA
                    B += step * dB
                    value = candidate
                    moved = true
                    break
                }
                step /= 2
            }
            if !moved { break }
        }
        return (-A, -B)
    }

    /// Temperature scaling for a softmax over `labels` scores per row: the a > 0 minimizing
    /// `sum_i [ln sum_k e^(a z_ik) - a z_(i, y_i)]` (convex in a), by safeguarded Newton steps.
    /// Multiplying every score by the same a keeps each row's ranking, hence every decision.
    public static func temperature(scores: [Double], labels: Int, truth: [Int]) -> Double {
        precondition(scores.count == labels * truth.count)
        guard !truth.isEmpty, labels > 1 else { return 1 }
        var a = 1.0
        var probabilities = [Double](repeating: 0, count: labels)
        for _ in 0..<50 {
            var gradient = 0.0, curvature = 0.0
            for (row, y) in truth.enumerated() {
                let z = scores[(row * labels)..<((row + 1) * labels)]
                let top = z.max()!
                var total = 0.0
                for (k, value) in z.enumerated() {
                    probabilities[k] = PortableMath.exp(a * (value - top))
                    total += probabilities[k]
                }
                var mean = 0.0, meanSquare = 0.0
                for (k, value) in z.enumerated() {
                    let p = probabilities[k] / total
                    mean += p * value
                    meanSquare += p * value * value
                }
                gradient += mean - z[z.startIndex + y]
                curvature += meanSquare - mean * mean
            }
            guard curvature > 1e-12 else { break }
            let next = min(max(a - gradient / curvature, a / 4), a * 4)
            if abs(next - a) <= 1e-6 * a { a = next; break }
            a = next
        }
        return a
    }
}
