/// The readable text of an HTML page, for classifying saved web articles.
///
/// Drops tags, comments, and the contents of `script`, `style`, `noscript` and `template` elements; each
/// tag becomes a space, so words on either side stay apart. Decodes character references: the named ones
/// news pages use (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;` and a few dozen more), `&#NNN;` and
/// `&#xHH;`; anything else after `&` is kept as written. Works on bytes: invalid UTF-8 passes through
/// (the tokenizer then reports it).
public enum HTMLText {
    /// Replaces `out` with the text of `html`.
    public static func extract(_ html: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        guard let base = html.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = html.count
        var i = 0
        while i < n {
            let b = base[i]
            if b == 0x3C {  // <
                i = skipMarkup(base, n, from: i)
                out.append(0x20)
            } else if b == 0x26 {  // &
                i = decodeReference(base, n, from: i, into: &out)
            } else {
                out.append(b)
                i += 1
            }
        }
    }

    private static let commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)

    /// Elements whose content is not text.
    static let hiddenElements: [[UInt8]] = ["script", "style", "noscript", "template"].map { Array($0.utf8) }

    /// From the `<` at `start`: past the comment, tag, or hidden element it opens.
    private static func skipMarkup(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> Int {
        if matches(p, n, start, commentOpen) {
            var i = start + 4
            while i < n && !matches(p, n, i, commentClose) { i += 1 }
            return min(n, i + 3)
        }
        var nameStart = start + 1
        let closing = nameStart < n && p[nameStart] == 0x2F
        if closing { nameStart += 1 }
        var nameEnd = nameStart
        while nameEnd < n && isNameByte(p[nameEnd]) { nameEnd += 1 }
        let end = tagEnd(p, n, from: nameEnd)
        if !closing, let hidden = hiddenElements.first(where: { equalsIgnoringCase(p, nameStart, nameEnd, $0) }) {
            // Skip to the matching end tag.
            var i = end
            while i < n {
                if p[i] == 0x3C && i + 1 < n && p[i + 1] == 0x2F && equalsIgnoringCase(p, i + 2, min(n, i + 2 + hidden.count), hidden) {
                    return tagEnd(p, n, from: i + 2 + hidden.count)
                }
                i += 1
            }
            return n
        }
        return end
    }

    /// Past the `>` that ends the tag whose name ended at `start`, skipping quoted attribute values.
    private static func tagEnd(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> Int {
        var i = start
        var quote: UInt8 = 0
        while i < n {
            let b = p[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == 0x22 || b == 0x27 {
                quote = b
            } else if b == 0x3E {
                return i + 1
            }
            i += 1
        }
        return n
    }

    /// From the `&` at `start`: appends the decoded character (or the `&` itself) and returns where to go on.
    private static func decodeReference(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, into out: inout [UInt8]) -> Int {
        var end = start + 1
        while end < n && end - start <= 12 && p[end] != 0x3B && (isNameByte(p[end]) || p[end] == 0x23) { end += 1 }
        guard end < n, p[end] == 0x3B, end > start + 1 else {
            out.append(0x26)
            return start + 1
        }
        let name = Array(UnsafeBufferPointer(start: p + start + 1, count: end - start - 1))
        var scalar: UInt32?
        if name[0] == 0x23 {  // #
            let hex = name.count > 1 && (name[1] | 0x20) == 0x78
            let digits = String(decoding: name.dropFirst(hex ? 2 : 1), as: UTF8.self)
            scalar = UInt32(digits, radix: hex ? 16 : 10)
        } else {
            scalar = namedReferences[String(decoding: name, as: UTF8.self)]
        }
        guard let value = scalar, let character = Unicode.Scalar(value), value != 0 else {
            out.append(0x26)
            return start + 1
        }
        out.append(contentsOf: Array(String(Character(character)).utf8))
        return end + 1
    }

    static let namedReferences: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0,
        "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C,
        "rdquo": 0x201D, "bdquo": 0x201E, "hellip": 0x2026, "laquo": 0xAB, "raquo": 0xBB, "middot": 0xB7,
        "bull": 0x2022, "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "deg": 0xB0, "euro": 0x20AC, "pound": 0xA3,
        "yen": 0xA5, "cent": 0xA2, "sect": 0xA7, "para": 0xB6, "times": 0xD7, "divide": 0xF7, "shy": 0xAD,
        "eacute": 0xE9, "egrave": 0xE8, "ecirc": 0xEA, "euml": 0xEB, "aacute": 0xE1, "agrave": 0xE0, "acirc": 0xE2,
        "auml": 0xE4, "aring": 0xE5, "ccedil": 0xE7, "iacute": 0xED, "iuml": 0xEF, "oacute": 0xF3, "ocirc": 0xF4,
        "ouml": 0xF6, "uacute": 0xFA, "uuml": 0xFC, "ntilde": 0xF1, "szlig": 0xDF, "Eacute": 0xC9, "Auml": 0xC4,
        "Ouml": 0xD6, "Uuml": 0xDC, "oslash": 0xF8, "aelig": 0xE6,
    ]

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D
    }

    private static func matches(_ p: UnsafePointer<UInt8>, _ n: Int, _ at: Int, _ pattern: [UInt8]) -> Bool {
        guard at + pattern.count <= n else { return false }
        for (k, b) in pattern.enumerated() where p[at + k] != b { return false }
        return true
    }

    private static func equalsIgnoringCase(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ name: [UInt8]) -> Bool {
        guard end - start == name.count else { return false }
        for (k, b) in name.enumerated() where p[start + k] | 0x20 != b { return false }
        return true
    }
}
