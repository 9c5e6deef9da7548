#if canImport(Glibc)
import Glibc
#endif

/// Reads the common line of `lede-classify`'s JSONL input, `{"id": "...", "text": "..."}` with any other
/// keys and values, in one pass over its bytes, the text unescaped into a buffer that is reused from line
/// to line: no `JSONDecoder`, no `String` and no allocation per document once warm.
///
/// It takes a line only where `JSONDecoder` (through `JSONLineRecord`) would give the same id and text:
/// a whole valid JSON object (RFC 8259: strings with their escapes and well-formed UTF-8, numbers,
/// literals, nested arrays and objects up to `maximumDepth`, white space), whose "text" is a string and
/// whose "id" is absent, null, a string or an integer written plainly (`0`, `-17`; at most 18 digits).
/// Anything else it declines (`scan` returns false): an escaped key, a key twice, another kind of id, a
/// lone surrogate, a syntax error, invalid UTF-8. The caller then decodes the line with `JSONDecoder`,
/// whose answer, record or error, stands.
public struct JSONLineScanner {
    /// The text's bytes, unescaped (valid after a `scan` that returned true).
    public private(set) var text: [UInt8] = []
    /// The id's bytes: the string's, unescaped, or the integer's digits; meaningful when `hasID`.
    public private(set) var id: [UInt8] = []
    public private(set) var hasID = false
    /// Where the strings of other keys are unescaped (validated, then dropped).
    private var skipped: [UInt8] = []

    /// Nesting deeper than this is declined (`JSONDecoder` goes deeper, and answers for such lines).
    public static let maximumDepth = 64

    public init() {}

    /// Reads `line`; true when it is such a record (then `text`, `id` and `hasID` hold it).
    public mutating func scan(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        text.removeAll(keepingCapacity: true)
        id.removeAll(keepingCapacity: true)
        hasID = false
        var cursor = Cursor(base: base, end: line.count)
        var sawText = false, sawID = false
        cursor.skipSpace()
        guard cursor.take(0x7B) else { return false }  // {
        cursor.skipSpace()
        if !cursor.take(0x7D) {  // } : an object with members
            while true {
                guard let key = cursor.plainKey() else { return false }
                cursor.skipSpace()
                guard cursor.take(0x3A) else { return false }  // :
                cursor.skipSpace()
                switch key {
                case .text:
                    guard !sawText, cursor.peek == 0x22, cursor.string(into: &text) else { return false }
                    sawText = true
                case .id:
                    guard !sawID, readID(&cursor) else { return false }
                    sawID = true
                case .other:
                    guard cursor.skipValue(depth: 1, scratch: &skipped) else { return false }
                }
                cursor.skipSpace()
                if cursor.take(0x2C) {  // ,
                    cursor.skipSpace()
                    continue
                }
                guard cursor.take(0x7D) else { return false }
                break
            }
        }
        cursor.skipSpace()
        return cursor.atEnd && sawText
    }

    /// The id's value: null, a string, or a plain integer.
    private mutating func readID(_ cursor: inout Cursor) -> Bool {
        switch cursor.peek {
        case 0x22:
            hasID = true
            return cursor.string(into: &id)
        case 0x6E:  // null
            return cursor.literal("null")
        default:
            hasID = true
            return cursor.plainInteger(into: &id)
        }
    }

    /// The keys the record reads, and the rest.
    enum Key { case text, id, other }

    /// A position in a line and the reads of JSON's parts from it; each returns false (or nil) where the
    /// bytes are not what it reads, or not read the same way by `JSONDecoder`.
    struct Cursor {
        let base: UnsafePointer<UInt8>
        let end: Int
        var at = 0

        var atEnd: Bool { at == end }
        /// The next byte, or 0 at the end (0 is never valid JSON outside a string, where it is refused).
        var peek: UInt8 { at < end ? base[at] : 0 }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < end, base[at] == byte else { return false }
            at += 1
            return true
        }

        /// JSON white space: space, tab, LF, CR.
        mutating func skipSpace() {
            while at < end {
                let byte = base[at]
                guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
                at += 1
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard end - at >= count, memcmp(base + at, word.utf8Start, count) == 0 else { return false }
            at += count
            return true
        }

        /// A key without escapes: which one it is (nil: not a plain string, or not a string).
        mutating func plainKey() -> Key? {
            guard take(0x22) else { return nil }
            let start = at
            while at < end {
                let byte = base[at]
                if byte == 0x22 { break }
                // An escape, a control character or a non-ASCII byte: the full reader decides.
                guard byte >= 0x20 && byte < 0x80 && byte != 0x5C else { return nil }
                at += 1
            }
            guard at < end else { return nil }
            let length = at - start
            at += 1
            if length == 4 && memcmp(base + start, "text", 4) == 0 { return .text }
            if length == 2 && memcmp(base + start, "id", 2) == 0 { return .id }
            return .other
        }

        /// A string (at its opening quote), unescaped and appended to `output`.
        mutating func string(into output: inout [UInt8]) -> Bool {
            guard take(0x22) else { return false }
            while true {
                // A run of plain ASCII, copied at once.
                let start = at
                while at < end {
                    let byte = base[at]
                    guard byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte < 0x80 else { break }
                    at += 1
                }
                if at > start { output.append(contentsOf: UnsafeBufferPointer(start: base + start, count: at - start)) }
                guard at < end else { return false }
                let byte = base[at]
                if byte == 0x22 {
                    at += 1
                    return true
                } else if byte == 0x5C {
                    guard escape(into: &output) else { return false }
                } else if byte >= 0x80 {
                    guard utf8Sequence(into: &output) else { return false }
                } else {
                    return false  // a control character, which JSON allows only escaped
                }
            }
        }

        /// Skips a string, validated as `string` reads it (into `scratch`, emptied first).
        mutating func skipString(scratch: inout [UInt8]) -> Bool {
            scratch.removeAll(keepingCapacity: true)
            return string(into: &scratch)
        }

        /// An escape (at its backslash): \" \\ \/ \b \f \n \r \t, or \uXXXX (a surrogate pair as one
        /// scalar; a lone surrogate is declined).
        private mutating func escape(into output: inout [UInt8]) -> Bool {
            guard end - at >= 2 else { return false }
            let kind = base[at + 1]
            at += 2
            switch kind {
            case 0x22, 0x5C, 0x2F: output.append(kind)
            case 0x62: output.append(0x08)
            case 0x66: output.append(0x0C)
            case 0x6E: output.append(0x0A)
            case 0x72: output.append(0x0D)
            case 0x74: output.append(0x09)
            case 0x75:
                guard var scalar = hex4() else { return false }
                if scalar >= 0xD800 && scalar < 0xDC00 {  // a high surrogate: its low one must follow
                    guard end - at >= 6, base[at] == 0x5C, base[at + 1] == 0x75 else { return false }
                    at += 2
                    guard let low = hex4(), low >= 0xDC00 && low < 0xE000 else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    return false
                }
                Cursor.appendUTF8(scalar, to: &output)
            default: return false
            }
            return true
        }

        private mutating func hex4() -> UInt32? {
            guard end - at >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = base[at]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        /// Appends the UTF-8 form of `scalar` (not a surrogate) a byte at a time (no array per scalar).
        static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
            switch scalar {
            case ..<0x80:
                output.append(UInt8(scalar))
            case ..<0x800:
                output.append(UInt8(0xC0 | scalar >> 6))
                output.append(UInt8(0x80 | scalar & 0x3F))
            case ..<0x10000:
                output.append(UInt8(0xE0 | scalar >> 12))
                output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                output.append(UInt8(0x80 | scalar & 0x3F))
            default:
                output.append(UInt8(0xF0 | scalar >> 18))
                output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                output.append(UInt8(0x80 | scalar & 0x3F))
            }
        }

        /// One well-formed UTF-8 sequence of two to four bytes (no overlong form, no surrogate, at most
        /// U+10FFFF), copied.
        private mutating func utf8Sequence(into output: inout [UInt8]) -> Bool {
            let lead = base[at]
            let length: Int, low: UInt8, high: UInt8  // the second byte's range
            switch lead {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return false
            }
            guard end - at >= length else { return false }
            let second = base[at + 1]
            guard second >= low && second <= high else { return false }
            for k in 2..<max(2, length) where base[at + k] & 0xC0 != 0x80 { return false }
            output.append(contentsOf: UnsafeBufferPointer(start: base + at, count: length))
            at += length
            return true
        }

        /// A number (RFC 8259's grammar), skipped.
        mutating func skipNumber() -> Bool {
            _ = take(0x2D)
            if take(0x30) {
            } else {
                guard at < end, base[at] >= 0x31 && base[at] <= 0x39 else { return false }
                while at < end && base[at] >= 0x30 && base[at] <= 0x39 { at += 1 }
            }
            if take(0x2E) {
                guard digits() else { return false }
            }
            if take(0x65) || take(0x45) {
                if !take(0x2B) { _ = take(0x2D) }
                guard digits() else { return false }
            }
            return true
        }

        private mutating func digits() -> Bool {
            let start = at
            while at < end && base[at] >= 0x30 && base[at] <= 0x39 { at += 1 }
            return at > start
        }

        /// An integer written plainly, `0` or `-?[1-9][0-9]*` with at most 18 digits (so that it fits an
        /// Int64, which writes it back the same), its digits appended; a fraction or an exponent declines.
        mutating func plainInteger(into output: inout [UInt8]) -> Bool {
            let start = at
            _ = take(0x2D)
            let first = at
            if take(0x30) {
                guard at - start == 1 else { return false }  // -0 reads as 0: the full reader decides
            } else {
                guard at < end, base[at] >= 0x31 && base[at] <= 0x39 else { return false }
                while at < end && base[at] >= 0x30 && base[at] <= 0x39 { at += 1 }
                guard at - first <= 18 else { return false }
            }
            guard at == end || ![0x2E, 0x65, 0x45].contains(base[at]) else { return false }
            output.append(contentsOf: UnsafeBufferPointer(start: base + start, count: at - start))
            return true
        }

        /// Any value, validated and skipped; nesting deeper than `maximumDepth` declines.
        mutating func skipValue(depth: Int, scratch: inout [UInt8]) -> Bool {
            switch peek {
            case 0x22: return skipString(scratch: &scratch)
            case 0x7B: return skipContainer(close: 0x7D, depth: depth, members: true, scratch: &scratch)
            case 0x5B: return skipContainer(close: 0x5D, depth: depth, members: false, scratch: &scratch)
            case 0x74: return literal("true")
            case 0x66: return literal("false")
            case 0x6E: return literal("null")
            case 0x2D, 0x30...0x39: return skipNumber()
            default: return false
            }
        }

        private mutating func skipContainer(close: UInt8, depth: Int, members: Bool, scratch: inout [UInt8]) -> Bool {
            guard depth < JSONLineScanner.maximumDepth else { return false }
            at += 1
            skipSpace()
            if take(close) { return true }
            while true {
                if members {
                    guard peek == 0x22, skipString(scratch: &scratch) else { return false }
                    skipSpace()
                    guard take(0x3A) else { return false }
                    skipSpace()
                }
                guard skipValue(depth: depth + 1, scratch: &scratch) else { return false }
                skipSpace()
                if take(0x2C) {
                    skipSpace()
                    continue
                }
                return take(close)
            }
        }
    }
}

