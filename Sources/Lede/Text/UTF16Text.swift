/// UTF-16 documents (Windows tools still write them), recognized by their byte-order mark and converted to
/// UTF-8 before tokenizing.
public enum UTF16Text {
    /// Whether `bytes` start with a UTF-16 byte-order mark (FF FE little-endian, FE FF big-endian).
    public static func hasByteOrderMark(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
    }

    /// Replaces `out` with the UTF-8 form of the UTF-16 text after the byte-order mark; returns the number of
    /// code units that were not valid UTF-16 (unpaired surrogates, an odd last byte), each dropped.
    public static func transcode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Int {
        out.removeAll(keepingCapacity: true)
        guard hasByteOrderMark(bytes) else { return 0 }
        let littleEndian = bytes[0] == 0xFF
        let units = (bytes.count - 2) / 2
        var invalid = (bytes.count - 2) % 2
        var k = 0
        func unit(_ index: Int) -> UInt16 {
            let a = UInt16(bytes[2 + 2 * index]), b = UInt16(bytes[3 + 2 * index])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        while k < units {
            let u = unit(k)
            k += 1
            var scalar: UInt32
            if u >= 0xD800 && u < 0xDC00 {
                guard k < units, case let low = unit(k), low >= 0xDC00 && low < 0xE000 else { invalid += 1; continue }
                k += 1
                scalar = 0x10000 + ((UInt32(u) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if u >= 0xDC00 && u < 0xE000 {
                invalid += 1
                continue
            } else {
                scalar = UInt32(u)
            }
            // UTF-8 encoding of the scalar.
            if scalar < 0x80 {
                out.append(UInt8(scalar))
            } else if scalar < 0x800 {
                out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
            } else if scalar < 0x10000 {
                out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                out.append(UInt8(0x80 | scalar & 0x3F))
            } else {
                out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
            }
        }
        return invalid
    }
}
