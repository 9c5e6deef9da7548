import Foundation

/// How the tokenizer treats one Unicode scalar.
public enum CharacterClass: UInt8, Sendable {
    /// Ends the current token (spaces, punctuation, symbols, controls, format characters such as the BOM).
    case separator = 0
    /// Part of a word: letters (L*), combining marks (M*) and numbers (Nd, Nl, No).
    case word = 1
    /// A CJK ideograph, kana or hangul syllable: a token of its own.
    case standalone = 2
    /// An apostrophe (U+0027 or U+2019): kept between two word characters as U+0027, a separator otherwise.
    case apostrophe = 3
}

/// Character classes and lowercase forms for the Basic Multilingual Plane, filled in blocks of 256
/// scalars: a block the first time any tokenizer meets one of its scalars (256 lookups of the standard
/// library's Unicode properties, where the whole plane would take about 65,000 and 4 ms at the start of
/// every process that reads a non-ASCII character; news text meets a few blocks). Scalars above U+FFFF
/// are classified on the fly.
///
/// A reader calls `fill(blockOf:)` once per block before it reads the block's entries (a tokenizer notes
/// which blocks it has asked for); the lock in `fill` orders the filling before those reads.
final class CharacterTable: @unchecked Sendable {
    static let shared = CharacterTable()
    static let blockCount = 256

    /// Class of each BMP scalar (of the filled blocks).
    let classes: UnsafeMutablePointer<UInt8>
    /// Lowercase of each BMP scalar (the scalar itself when lowercasing leaves it unchanged).
    let lower: UnsafeMutablePointer<UInt32>
    /// The second scalar of the few full lowercase mappings that have two (U+0130 -> "i\u{307}"), else 0.
    let lowerSecond: UnsafeMutablePointer<UInt32>
    /// Which blocks are filled, read and written under `lock` (a pthread mutex, which thread sanitizers
    /// see, unlike a futex).
    private var filled = [Bool](repeating: false, count: CharacterTable.blockCount)
    private let lock = NSLock()

    private init() {
        let size = 0x10000
        classes = .allocate(capacity: size)
        lower = .allocate(capacity: size)
        lowerSecond = .allocate(capacity: size)
        classes.initialize(repeating: CharacterClass.separator.rawValue, count: size)
        lower.initialize(repeating: 0, count: size)
        lowerSecond.initialize(repeating: 0, count: size)
    }

    /// Fills the block of the BMP scalar `value` unless it is filled; its entries may be read afterwards.
    func fill(blockOf value: UInt32) {
        let block = Int(value >> 8)
        lock.lock()
        defer { lock.unlock() }
        guard !filled[block] else { return }
        for value in (block << 8)..<((block + 1) << 8) {
            lower[value] = UInt32(value)
            lowerSecond[value] = 0
            guard let scalar = Unicode.Scalar(UInt32(value)) else {
                classes[value] = CharacterClass.separator.rawValue  // surrogate code points
                continue
            }
            let cls = CharacterTable.classify(scalar)
            classes[value] = cls.rawValue
            if cls == .word, scalar.properties.changesWhenLowercased {
                let mapped = Array(scalar.properties.lowercaseMapping.unicodeScalars)
                if let first = mapped.first { lower[value] = first.value }
                if mapped.count > 1 { lowerSecond[value] = mapped[1].value }
            }
        }
        filled[block] = true
    }

    /// Class of any scalar, from its Unicode general category and block.
    static func classify(_ scalar: Unicode.Scalar) -> CharacterClass {
        let v = scalar.value
        if v == 0x27 || v == 0x2019 { return .apostrophe }
        if isStandalone(v) { return .standalone }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber:
            return .word
        default:
            return .separator
        }
    }

    /// CJK ideographs (unified, extensions, compatibility), hiragana, katakana and hangul syllables.
    static func isStandalone(_ v: UInt32) -> Bool {
        switch v {
        case 0x3040...0x30FF, 0x31F0...0x31FF,  // hiragana, katakana, katakana phonetic extensions
             0x3400...0x4DBF, 0x4E00...0x9FFF,  // CJK extension A, unified ideographs
             0xAC00...0xD7AF,                   // hangul syllables
             0xF900...0xFAFF,                   // CJK compatibility ideographs
             0xFF66...0xFF9F,                   // halfwidth katakana
             0x20000...0x3FFFF:                 // CJK extensions B and later
            return true
        default:
            return false
        }
    }
}
