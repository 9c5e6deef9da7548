import CLedeSupport

/// How a model stores each sparse column's weights next to its vocabulary slot (`VocabularyTable`) or,
/// in a hashing space, in a row of its own: the layout that lets scoring read one cache line per distinct
/// feature.
///
/// A slot is a power of two of at least 32 bytes: 16 bytes of hash, column and idf, then the K weights
/// (padded to `lanes`), as Float32 when they fit in 64 bytes (K <= 12: exact), else as binary16 (K <= 24
/// in 64 bytes, more labels in 128 bytes or more). binary16 keeps 11 significant bits: each weight within 2^-11 of its
/// value relative to itself (weights below 2^-14 lose precision): on the 20 Newsgroups and Reuters test
/// splits no label decision changes and no probability moves by more than 7.3e-4
/// (`QuantizationAgreementTests`).
public struct WeightRows: Sendable, Equatable {
    public enum Precision: String, Sendable {
        case float32, float16
    }

    public let labels: Int
    public let precision: Precision
    /// Bytes per slot.
    public let stride: Int

    /// The layout for `labels` labels.
    public init(labels: Int) {
        self.labels = labels
        let header = VocabularyTable.slotHeaderBytes
        precision = header + 4 * WeightRows.padded(labels, to: 4) <= 64 ? .float32 : .float16
        let bytes = header + WeightRows.lanes(labels, precision) * (precision == .float32 ? 4 : 2)
        var stride = 32
        while stride < bytes { stride <<= 1 }
        self.stride = stride
    }

    /// Weights stored per slot: `labels` rounded up to whole vectors (4 Float32 or 8 binary16 values),
    /// the extra ones 0, so that the scoring kernel reads whole vectors and never a partial one.
    public var lanes: Int { WeightRows.lanes(labels, precision) }

    private static func lanes(_ labels: Int, _ precision: Precision) -> Int {
        padded(labels, to: precision == .float32 ? 4 : 8)
    }

    private static func padded(_ n: Int, to multiple: Int) -> Int { (n + multiple - 1) / multiple * multiple }

    /// Writes the K weights `row[0..<labels]` into a slot's weight bytes.
    public func store(_ row: UnsafePointer<Float>, into weights: UnsafeMutableRawPointer) {
        for label in 0..<labels {
            switch precision {
            case .float32: weights.storeBytes(of: row[label], toByteOffset: 4 * label, as: Float.self)
            case .float16: weights.storeBytes(of: WeightRows.half(row[label]), toByteOffset: 2 * label, as: UInt16.self)
            }
        }
    }

    /// The weight of `label` in a slot's weight bytes.
    @inline(__always)
    public func weight(_ weights: UnsafeRawPointer, label: Int) -> Float {
        switch precision {
        case .float32: return weights.load(fromByteOffset: 4 * label, as: Float.self)
        case .float16: return lede_half_to_float(weights.load(fromByteOffset: 2 * label, as: UInt16.self))
        }
    }

    /// `value` rounded to the nearest binary16 (ties to even), as a bit pattern; beyond the largest
    /// half (65504) it saturates there, so no weight becomes infinite.
    static func half(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let magnitude = abs(value)
        if magnitude.isNaN { return sign | 0x7E00 }
        if magnitude >= 65520 { return sign | 0x7BFF }  // rounds past the largest half: saturate
        if magnitude < 0x1p-25 { return sign }          // rounds to zero
        if magnitude < 0x1p-14 {
            // Subnormal half: units of 2^-24, rounded to nearest even by the float addition.
            let scaled = magnitude * 0x1p24
            let rounded = (scaled + 0x1p23) - 0x1p23
            return sign | UInt16(rounded)
        }
        let exponent = Int((magnitude.bitPattern >> 23) & 0xFF) - 127
        let mantissa = magnitude.bitPattern & 0x7F_FFFF
        // Keep 10 of 23 mantissa bits, round to nearest even on the 13 dropped.
        var half = UInt32(exponent + 15) << 10 | (mantissa >> 13)
        let dropped = mantissa & 0x1FFF
        if dropped > 0x1000 || (dropped == 0x1000 && half & 1 == 1) { half += 1 }  // a carry may raise the exponent: still right
        return sign | UInt16(min(half, 0x7BFF))
    }
}
