import CLedeSupport

/// Splits UTF-8 text into normalized tokens, streaming: bytes may arrive in chunks of any size, split
/// anywhere (even inside a multi-byte character), and no `String` is created per token.
///
/// Rules:
/// - A token is a run of word characters (Unicode letters, combining marks and numbers), lowercased
///   (ASCII by table; other scripts by Unicode's full lowercase mapping).
/// - An apostrophe (U+0027 or U+2019) between two word characters stays in the token as U+0027
///   (`don't`, `don’t` -> `don't`); elsewhere it separates.
/// - Each CJK ideograph, kana or hangul syllable is a token by itself.
/// - Everything else separates, and so does each byte that is not part of valid UTF-8 (stray
///   continuation bytes, overlong forms, surrogates, truncated sequences): bad input never stops the stream.
/// - A token is cut at `maxTokenBytes` bytes; the rest of its run is skipped.
///
/// Usage: `feed(_:emit:)` any number of chunks, then `finish(emit:)` at the end of the document.
/// `emit` receives the normalized UTF-8 bytes of each token, valid only during the call, with at least 8
/// more readable bytes after them (for `TokenHash.hash(padded:seed:)`).
public final class Tokenizer {
    public static let maxTokenBytes = 256

    private let buffer: UnsafeMutablePointer<UInt8>
    // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
    @exclusivity(unchecked) private var length = 0
    @exclusivity(unchecked) private var pendingApostrophe = false
    /// Bytes of a multi-byte character cut off at the end of the previous chunk.
    @exclusivity(unchecked) private var partial: (UInt8, UInt8, UInt8) = (0, 0, 0)
    @exclusivity(unchecked) private var partialCount = 0
    /// `CharacterTable.shared`'s arrays (nil until the first non-ASCII scalar), held as pointers: the
    /// table lives as long as the process, and a reference to it would be retained per scalar.
    @exclusivity(unchecked) private var tableClasses: UnsafeMutablePointer<UInt8>?
    @exclusivity(unchecked) private var tableLower: UnsafeMutablePointer<UInt32>?
    @exclusivity(unchecked) private var tableLowerSecond: UnsafeMutablePointer<UInt32>?
    /// Bit b set when block b of the table is known to be filled (`CharacterTable.fill(blockOf:)`): one
    /// bit for each of its 256 blocks.
    private let filledBlocks: UnsafeMutablePointer<UInt64>
    /// Bytes of the current document that were not valid UTF-8 (each one treated as a separator).
    @exclusivity(unchecked) public private(set) var invalidByteCount = 0
    /// NUL bytes in the current document (a sign of a binary file).
    @exclusivity(unchecked) public private(set) var nulByteCount = 0

    /// `AsciiTable`'s arrays, held here so the byte loop reads them without global-access checks.
    private let asciiClasses: UnsafePointer<UInt8>
    private let asciiLower: UnsafePointer<UInt8>
    /// For each of the 256 byte values: its lowercase form if it is an ASCII word byte, else 0.
    private let asciiWordBytes: UnsafePointer<UInt8>

    public init() {
        buffer = .allocate(capacity: Tokenizer.maxTokenBytes + Tokenizer.fastReach)
        filledBlocks = .allocate(capacity: CharacterTable.blockCount / 64)
        filledBlocks.initialize(repeating: 0, count: CharacterTable.blockCount / 64)
        asciiClasses = AsciiTable.classesPointer
        asciiLower = AsciiTable.lowerPointer
        asciiWordBytes = AsciiTable.wordBytesPointer
    }

    deinit {
        buffer.deallocate()
        filledBlocks.deallocate()
    }

    /// Forgets any token in progress (start of a new document).
    public func reset() {
        invalidByteCount = 0
        nulByteCount = 0
        length = 0
        pendingApostrophe = false
        partialCount = 0
    }

    /// Tokenizes one chunk; a token that reaches the end of the chunk continues into the next one.
    @inline(__always)
    public func feed(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        let buffer = self.buffer
        feed(bytes, emit: emit) { start, count in
            lede_copy_lowercased(buffer, start.assumingMemoryBound(to: UInt8.self), count)
            emit(UnsafeRawBufferPointer(start: buffer, count: count))
        }
    }

    /// `feed(_:emit:)`, but the tokens that the 64-byte path finds (ASCII word bytes and apostrophes, at
    /// most 62 bytes) go to `emitASCII` as they are in the chunk, not yet lowercased: their start and
    /// byte count, with at least 16 readable bytes after them. Their normalized form is each byte with bit
    /// 0x20 set (`lede_copy_lowercased`, `TokenHash.hash(asciiWord:count:seed:version:)`), so a hash can
    /// read them in place instead of from a copy.
    @inline(__always)
    public func feed(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void,
                     emitASCII: (UnsafeRawPointer, Int) -> Void) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        let n = bytes.count
        var i = 0
        if partialCount > 0 { i = completePartial(base, n, emit) }
        var fastFrom = i  // where the 64-byte path may try next
        while i < n {
            if length == 0 && !pendingApostrophe && i >= fastFrom && i + Tokenizer.fastReach <= n {
                let next = fastBlock(base, i, emitASCII)
                if next > i {
                    i = next
                    continue
                }
                fastFrom = i + 64  // plenty of non-ASCII here: leave the next 64 bytes to the full rules
            }
            let b = base[i]
            if b < 0x80 {
                let cls = asciiClasses[Int(b)]
                if cls == CharacterClass.word.rawValue {
                    if pendingApostrophe { appendApostrophe() }
                    // The common case, a run of ASCII word bytes, in locals.
                    let buffer = self.buffer, wordBytes = self.asciiWordBytes
                    var j = i, end = length
                    var lowered = wordBytes[Int(b)]
                    repeat {
                        buffer[end] = lowered
                        end = min(end + 1, Tokenizer.maxTokenBytes)
                        j += 1
                        lowered = j < n ? wordBytes[Int(base[j])] : 0
                    } while lowered != 0
                    length = end
                    i = j
                    continue
                } else if cls == CharacterClass.apostrophe.rawValue {
                    apostrophe(emit)
                } else {
                    if b == 0 { nulByteCount += 1 }
                    if length > 0 || pendingApostrophe { endToken(emit) }
                }
                i += 1
                continue
            }
            let needed = Tokenizer.sequenceLength(b)
            if needed == 0 {  // stray continuation byte or invalid lead byte
                invalidByteCount += 1
                endToken(emit)
                i += 1
                continue
            }
            if i + needed > n {  // sequence continues in the next chunk
                let available = n - i
                if Tokenizer.isValidPrefix(base + i, available) {
                    savePartial(base + i, available)
                    return
                }
                invalidByteCount += 1
                endToken(emit)
                i += 1
                continue
            }
            if let scalar = Tokenizer.decode(base + i, needed) {
                handle(scalar, emit)
                i += needed
            } else {
                invalidByteCount += 1
                endToken(emit)
                i += 1
            }
        }
    }

    /// Bytes the 64-byte path reads from its start: the block, and the 16 bytes a lowercased copy may read past it.
    static let fastReach = 80

    /// The ASCII path: tokenizes the 64 bytes at `i` from bit masks (`lede_classify64`), while the state
    /// is clean (no token in progress), and returns where the full rules take over: the start of the
    /// first token it cannot finish for certain (one that reaches the last two bytes before a non-ASCII
    /// or NUL byte or the block's end, where the next bytes could extend it), else the block's last
    /// byte. An apostrophe is in a token when word bytes surround it, as in the full rules. The same
    /// tokens as the byte loop, found without a branch per byte.
    @inline(__always)
    private func fastBlock(_ base: UnsafePointer<UInt8>, _ i: Int, _ emitASCII: (UnsafeRawPointer, Int) -> Void) -> Int {
        let masks = lede_classify64(base + i)
        let limit = masks.special == 0 ? 64 : masks.special.trailingZeroBitCount
        guard limit >= 2 else { return i }
        let word = masks.word
        let inToken = word | (masks.apostrophe & (word << 1) & (word >> 1))
        var starts = inToken & ~(inToken << 1)
        if limit < 64 { starts &= (1 << UInt64(limit)) &- 1 }  // tokens that start at the special byte or after it wait
        while starts != 0 {
            let start = starts.trailingZeroBitCount
            let end = start + (~(inToken >> UInt64(start))).trailingZeroBitCount
            if end > limit - 2 { return i + start }
            emitASCII(base + i + start, end - start)
            starts &= starts &- 1
        }
        return i + limit - 1
    }

    /// Ends the document: emits the last token; an incomplete trailing character is a separator.
    public func finish(emit: (UnsafeRawBufferPointer) -> Void) {
        invalidByteCount += partialCount
        partialCount = 0
        endToken(emit)
    }

    // MARK: - Token building

    @inline(__always)
    private func endToken(_ emit: (UnsafeRawBufferPointer) -> Void) {
        pendingApostrophe = false
        if length > 0 {
            emit(UnsafeRawBufferPointer(start: buffer, count: length))
            length = 0
        }
    }

    @inline(__always)
    private func apostrophe(_ emit: (UnsafeRawBufferPointer) -> Void) {
        if length > 0 && !pendingApostrophe {
            pendingApostrophe = true
        } else {
            endToken(emit)
        }
    }

    @inline(__always)
    private func appendApostrophe() {
        pendingApostrophe = false
        if length < Tokenizer.maxTokenBytes {
            buffer[length] = 0x27
            length += 1
        }
    }

    private func handle(_ scalar: UInt32, _ emit: (UnsafeRawBufferPointer) -> Void) {
        if tableClasses == nil {
            let table = CharacterTable.shared
            (tableClasses, tableLower, tableLowerSecond) = (table.classes, table.lower, table.lowerSecond)
        }
        let cls: UInt8
        var lower = scalar
        var lowerSecond: UInt32 = 0
        if scalar < 0x10000 {
            let block = Int(scalar >> 8), bit = UInt64(1) << UInt64(block & 63)
            if filledBlocks[block >> 6] & bit == 0 {
                CharacterTable.shared.fill(blockOf: scalar)
                filledBlocks[block >> 6] |= bit
            }
            cls = tableClasses.unsafelyUnwrapped[Int(scalar)]
            lower = tableLower.unsafelyUnwrapped[Int(scalar)]
            lowerSecond = tableLowerSecond.unsafelyUnwrapped[Int(scalar)]
        } else if let s = Unicode.Scalar(scalar) {
            cls = CharacterTable.classify(s).rawValue
            if cls == CharacterClass.word.rawValue, s.properties.changesWhenLowercased,
               let first = s.properties.lowercaseMapping.unicodeScalars.first {
                lower = first.value
            }
        } else {
            cls = CharacterClass.separator.rawValue
        }
        switch cls {
        case CharacterClass.word.rawValue:
            if pendingApostrophe { appendApostrophe() }
            appendScalar(lower)
            if lowerSecond != 0 { appendScalar(lowerSecond) }
        case CharacterClass.standalone.rawValue:
            endToken(emit)
            appendScalar(scalar)
            endToken(emit)
        case CharacterClass.apostrophe.rawValue:
            apostrophe(emit)
        default:
            endToken(emit)
        }
    }

    /// Appends the UTF-8 encoding of `scalar`, unless that would pass the length cap.
    @inline(__always)
    private func appendScalar(_ scalar: UInt32) {
        let size = scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
        guard length + size <= Tokenizer.maxTokenBytes else { return }
        let p = buffer + length
        switch size {
        case 1:
            p[0] = UInt8(scalar)
        case 2:
            p[0] = UInt8(0xC0 | (scalar >> 6))
            p[1] = UInt8(0x80 | (scalar & 0x3F))
        case 3:
            p[0] = UInt8(0xE0 | (scalar >> 12))
            p[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            p[2] = UInt8(0x80 | (scalar & 0x3F))
        default:
            p[0] = UInt8(0xF0 | (scalar >> 18))
            p[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            p[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            p[3] = UInt8(0x80 | (scalar & 0x3F))
        }
        length += size
    }

    // MARK: - UTF-8 across chunk boundaries

    private func savePartial(_ p: UnsafePointer<UInt8>, _ count: Int) {
        partialCount = count
        partial = (p[0], count > 1 ? p[1] : 0, count > 2 ? p[2] : 0)
    }

    /// Completes a character begun in the previous chunk; returns how many bytes of this chunk it used.
    private func completePartial(_ base: UnsafePointer<UInt8>, _ n: Int, _ emit: (UnsafeRawBufferPointer) -> Void) -> Int {
        var sequence: (UInt8, UInt8, UInt8, UInt8) = (partial.0, partial.1, partial.2, 0)
        let have = partialCount
        partialCount = 0
        let needed = Tokenizer.sequenceLength(partial.0)
        let take = min(needed - have, n)
        withUnsafeMutableBytes(of: &sequence) { raw in
            for k in 0..<take { raw[have + k] = base[k] }
        }
        let result: Int = withUnsafeBytes(of: &sequence) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if have + take < needed {
                if Tokenizer.isValidPrefix(p, have + take) {
                    savePartial(p, have + take)
                    return n
                }
                invalidByteCount += 1
                endToken(emit)
                return 0
            }
            if let scalar = Tokenizer.decode(p, needed) {
                handle(scalar, emit)
                return take
            }
            invalidByteCount += 1
            endToken(emit)
            return 0  // the saved bytes were invalid: rescan this chunk from its start
        }
        return result
    }

    // MARK: - UTF-8 decoding

    /// Length of the sequence a lead byte starts, or 0 for a byte that cannot start one.
    @inline(__always)
    public static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// Whether `count` bytes could begin a valid sequence (checks the second byte's range early).
    static func isValidPrefix(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count > 0 else { return false }
        for k in 1..<max(count, 1) {
            if p[k] & 0xC0 != 0x80 { return false }
        }
        if count >= 2 { return secondByteInRange(lead: p[0], p[1]) }
        return true
    }

    @inline(__always)
    static func secondByteInRange(lead: UInt8, _ second: UInt8) -> Bool {
        switch lead {
        case 0xE0: return second >= 0xA0          // no overlong 3-byte forms
        case 0xED: return second <= 0x9F          // no surrogates
        case 0xF0: return second >= 0x90          // no overlong 4-byte forms
        case 0xF4: return second <= 0x8F          // nothing above U+10FFFF
        default: return true
        }
    }

    /// Decodes a complete sequence of `count` bytes, or nil when it is not valid UTF-8.
    @inline(__always)
    public static func decode(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt32? {
        let b0 = UInt32(p[0])
        let b1 = UInt32(p[1])
        guard b1 & 0xC0 == 0x80 else { return nil }
        switch count {
        case 2:
            return ((b0 & 0x1F) << 6) | (b1 & 0x3F)
        case 3:
            let b2 = UInt32(p[2])
            guard b2 & 0xC0 == 0x80, secondByteInRange(lead: p[0], p[1]) else { return nil }
            return ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
        default:
            let b2 = UInt32(p[2]), b3 = UInt32(p[3])
            guard b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80, secondByteInRange(lead: p[0], p[1]) else { return nil }
            return ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F)
        }
    }
}

/// Classes and lowercase forms of the 128 ASCII bytes.
enum AsciiTable {
    static let classes: [UInt8] = (0..<128).map { (b: Int) -> UInt8 in
        let byte = UInt8(b)
        if isAlphanumeric(byte) { return CharacterClass.word.rawValue }
        if byte == 0x27 { return CharacterClass.apostrophe.rawValue }
        return CharacterClass.separator.rawValue
    }

    static let lower: [UInt8] = (0..<128).map { (b: Int) -> UInt8 in
        let byte = UInt8(b)
        return (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
    }

    /// The tables as pointers that live as long as the process.
    static var classesPointer: UnsafePointer<UInt8> { classesTable.pointer }
    static var lowerPointer: UnsafePointer<UInt8> { lowerTable.pointer }
    static var wordBytesPointer: UnsafePointer<UInt8> { wordBytesTable.pointer }
    private static let classesTable = PermanentTable(classes)
    private static let lowerTable = PermanentTable(lower)
    private static let wordBytesTable = PermanentTable((0..<256).map { (b: Int) -> UInt8 in
        b < 128 && classes[b] == CharacterClass.word.rawValue ? lower[b] : 0
    })

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}

extension Tokenizer {
    /// The length of the valid UTF-8 sequence that starts at `i` in `bytes` (1 for ASCII), or 0 when the
    /// bytes there are not valid UTF-8 (a stray continuation byte, an overlong or surrogate form, a
    /// sequence cut short).
    static func validSequenceLength<C: Collection>(_ bytes: C, at i: C.Index) -> Int where C.Element == UInt8 {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let needed = sequenceLength(lead)
        guard needed > 0 else { return 0 }
        var sequence: (UInt8, UInt8, UInt8, UInt8) = (lead, 0, 0, 0)
        var count = 1
        var j = bytes.index(after: i)
        withUnsafeMutableBytes(of: &sequence) { raw in
            while count < needed && j != bytes.endIndex {
                raw[count] = bytes[j]
                count += 1
                j = bytes.index(after: j)
            }
        }
        guard count == needed else { return 0 }
        return withUnsafeBytes(of: &sequence) { raw in
            decode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), needed) != nil ? needed : 0
        }
    }
}

extension Tokenizer {
    /// The number of tokens in `bytes`, one document (the tokenizer is reset first, and left reset).
    public func countTokens(_ bytes: UnsafeRawBufferPointer) -> Int {
        reset()
        var tokens = 0
        feed(bytes) { _ in tokens &+= 1 }
        finish { _ in tokens &+= 1 }
        reset()
        return tokens
    }
}
