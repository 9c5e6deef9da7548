import Foundation
import XCTest
import Lede

final class TokenizerTests: XCTestCase {
    func testASCIIWordsAreLowercasedRunsOfLettersAndDigits() {
        XCTAssertEqual(TestSupport.tokens("The UN voted 15-0, on 3/4 of G7's plans!"),
                       ["the", "un", "voted", "15", "0", "on", "3", "4", "of", "g7's", "plans"])
    }

    func testApostrophesStayInsideWordsOnly() {
        XCTAssertEqual(TestSupport.tokens("don't 'quoted' rock'n'roll it''s o'"), ["don't", "quoted", "rock'n'roll", "it", "s", "o"])
    }

    func testCurlyApostropheBecomesASCII() {
        XCTAssertEqual(TestSupport.tokens("Don\u{2019}t \u{201C}stop\u{201D}"), ["don't", "stop"])
    }

    func testAccentedLettersAreLowercasedByUnicode() {
        XCTAssertEqual(TestSupport.tokens("ÉLYSÉE Größe ΑΘΗΝΑ Москва İstanbul"),
                       ["élysée", "größe", "αθηνα", "москва", "i\u{307}stanbul"])
    }

    /// Scalars from every block of the Basic Multilingual Plane, tokenized on four threads at once (the
    /// table of classes and lowercase forms is shared and filled a block at a time): each thread gets the
    /// tokens that the Unicode properties give.
    func testEveryBlockOfThePlaneOnSeveralThreadsAtOnce() {
        let scalars = stride(from: 0xA0, to: 0x10000, by: 37).compactMap { Unicode.Scalar(UInt32($0)) }
        let text = scalars.map { String(String.UnicodeScalarView([$0])) }.joined(separator: " ")
        let wordCategories: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter,
            .modifierLetter, .otherLetter, .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber,
            .letterNumber, .otherNumber]
        func isStandalone(_ v: UInt32) -> Bool {
            [0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF,
             0xFF66...0xFF9F].contains { $0.contains(v) }
        }
        let expected = scalars.compactMap { scalar -> String? in
            if scalar.value == 0x2019 { return nil }
            if isStandalone(scalar.value) { return String(String.UnicodeScalarView([scalar])) }
            guard wordCategories.contains(scalar.properties.generalCategory) else { return nil }
            guard scalar.properties.changesWhenLowercased else { return String(String.UnicodeScalarView([scalar])) }
            return String(String.UnicodeScalarView(scalar.properties.lowercaseMapping.unicodeScalars.prefix(2)))
        }
        XCTAssertGreaterThan(expected.count, 1000, "most of the sampled scalars are letters, marks or numbers")
        let lock = NSLock()
        nonisolated(unsafe) var all: [[String]] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let tokens = TestSupport.tokens(text)
            lock.withLock { all.append(tokens) }
        }
        XCTAssertEqual(all.count, 4)
        for tokens in all { XCTAssertEqual(tokens, expected) }
    }

    func testEachCJKCharacterIsAToken() {
        XCTAssertEqual(TestSupport.tokens("東京で制裁abc한국어"), ["東", "京", "で", "制", "裁", "abc", "한", "국", "어"])
    }

    func testDigitsAndOtherScriptsNumbers() {
        XCTAssertEqual(TestSupport.tokens("1987 ٣ 2½"), ["1987", "٣", "2½"])
    }

    func testInvalidUTF8SeparatesAndIsCounted() {
        // stray continuation, overlong "/", surrogate, truncated sequence at the end
        let bytes: [UInt8] = Array("ab".utf8) + [0x80] + Array("cd".utf8) + [0xC0, 0xAF] + Array("ef".utf8)
            + [0xED, 0xA0, 0x80] + Array("gh".utf8) + [0xE2, 0x82]
        XCTAssertEqual(TestSupport.tokens(bytes), ["ab", "cd", "ef", "gh"])
        let tokenizer = Tokenizer()
        bytes.withUnsafeBytes { tokenizer.feed($0) { _ in } }
        tokenizer.finish { _ in }
        XCTAssertGreaterThan(tokenizer.invalidByteCount, 0)
    }

    func testLatin1TextDoesNotCrash() {
        let latin1: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x61, 0xEF, 0x76, 0x65]  // "Café naïve" in Latin-1
        XCTAssertEqual(TestSupport.tokens(latin1), ["caf", "na", "ve"])
    }

    func testCRLFAndBOMSeparate() {
        XCTAssertEqual(TestSupport.tokens("\u{FEFF}first line\r\nsecond\r\n"), ["first", "line", "second"])
    }

    func testCountTokensCountsWhatIsEmittedAndLeavesNoState() {
        let text = Array("Ça va? Don’t stop — 東京 naïve crème brûlée, ΑΘΗΝΑ 123 and-a-half".utf8) + [0xFF] + Array("end".utf8)
        let tokenizer = Tokenizer()
        let counted = text.withUnsafeBytes { tokenizer.countTokens($0) }
        XCTAssertEqual(counted, TestSupport.tokens(text).count)
        var next: [String] = []
        Array("Next".utf8).withUnsafeBytes { bytes in
            tokenizer.feed(bytes) { next.append(String(decoding: $0, as: UTF8.self)) }
        }
        tokenizer.finish { next.append(String(decoding: $0, as: UTF8.self)) }
        XCTAssertEqual(next, ["next"], "the count leaves the tokenizer reset")
    }

    func testChunkBoundariesDoNotChangeTokens() {
        let text = Array("Ça va? Don’t stop — 東京 naïve crème brûlée, ΑΘΗΝΑ 123".utf8) + [0xFF] + Array("end".utf8)
        let whole = TestSupport.tokens(text)
        for chunk in 1...7 {
            XCTAssertEqual(TestSupport.tokens(text, chunk: chunk), whole, "chunk size \(chunk)")
        }
    }

    /// Texts long enough for the 64-byte path, built from the pieces where its rules could go wrong
    /// (apostrophes at and across block edges, non-ASCII letters right after ASCII ones, NUL, tokens
    /// longer than a block): the same tokens and counts as the byte loop, which one-byte chunks force.
    func testTheBlockPathGivesTheByteLoopsTokens() {
        let pieces: [[UInt8]] = ["Sanctions", " ", "don't", "'", "rock'n'roll", "G7", "2024", ", ", ".\n", "\r\n",
                                 "''", " o'", "l'été", "Größe", "Don\u{2019}t", "東京", "naïve", "x",
                                 String(repeating: "Long", count: 20), "\t", "-", "İ"].map { Array($0.utf8) }
            + [[0], [0xFF], [0xC3], [0x80]]
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for round in 0..<300 {
            var text: [UInt8] = []
            let asciiOnly = round % 3 == 0
            while text.count < 200 + next(400) {
                let piece = pieces[next(asciiOnly ? 12 : pieces.count)]
                text += piece
            }
            let whole = Tokenizer(), bytewise = Tokenizer()
            var fast: [String] = [], slow: [String] = []
            text.withUnsafeBytes { raw in
                whole.feed(raw) { fast.append(String(decoding: $0, as: UTF8.self)) }
                for k in 0..<raw.count {
                    bytewise.feed(UnsafeRawBufferPointer(rebasing: raw[k..<k + 1])) { slow.append(String(decoding: $0, as: UTF8.self)) }
                }
            }
            whole.finish { fast.append(String(decoding: $0, as: UTF8.self)) }
            bytewise.finish { slow.append(String(decoding: $0, as: UTF8.self)) }
            XCTAssertEqual(fast, slow, "round \(round): \(String(decoding: text, as: UTF8.self).debugDescription)")
            XCTAssertEqual(whole.invalidByteCount, bytewise.invalidByteCount, "round \(round)")
            XCTAssertEqual(whole.nulByteCount, bytewise.nulByteCount, "round \(round)")
            if fast != slow { return }
        }
    }

    func testThePaddedHashIsTheHash() {
        let bytes = [UInt8]((0..<64).map { UInt8(($0 * 37 + 11) & 0xFF) })
        bytes.withUnsafeBytes { raw in
            for count in 0...40 {
                let token = UnsafeRawBufferPointer(rebasing: raw[3..<3 + count])
                for version in TokenHash.Version.allCases {
                    XCTAssertEqual(TokenHash.hash(padded: token, seed: 7, version: version),
                                   TokenHash.hash(token, seed: 7, version: version), "\(count) bytes, \(version)")
                }
                XCTAssertEqual(TokenHash.hash(padded: token, seed: 7), TokenHash.hash(token, seed: 7), "\(count) bytes")
            }
        }
    }

    /// The hash of ASCII word bytes read in place, with bit 0x20 set as it reads, is the hash of their
    /// lowercased copy: every length the 64-byte path emits (1-62 bytes), mixed case, digits, apostrophes.
    func testTheInPlaceASCIIHashIsTheHashOfTheLoweredCopy() {
        let alphabet = Array("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'".utf8)
        var state: UInt64 = 5
        let bytes = (0..<200).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int(state >> 33) % alphabet.count]
        }
        bytes.withUnsafeBytes { raw in
            for start in 0..<8 {
                for count in 1...62 {
                    let lowered = raw[start..<start + count].map { $0 | 0x20 }
                    for version in TokenHash.Version.allCases {
                        let expected = lowered.withUnsafeBytes { TokenHash.hash($0, seed: 7, version: version) }
                        XCTAssertEqual(TokenHash.hash(asciiWord: raw.baseAddress! + start, count: count, seed: 7, version: version),
                                       expected, "\(count) bytes at \(start), \(version)")
                    }
                }
            }
        }
    }

    func testLongTokensAreCut() {
        let long = String(repeating: "a", count: 1000)
        let tokens = TestSupport.tokens(long + " b")
        XCTAssertEqual(tokens.count, 2)
        XCTAssertEqual(tokens[0].utf8.count, Tokenizer.maxTokenBytes)
    }

    func testNulBytesAreCounted() {
        let tokenizer = Tokenizer()
        ([0x61, 0x00, 0x62] as [UInt8]).withUnsafeBytes { tokenizer.feed($0) { _ in } }
        XCTAssertEqual(tokenizer.nulByteCount, 1)
    }
}

final class TokenHashTests: XCTestCase {
    /// The hash is part of the model format: these values must never change.
    func testHashIsFrozen() {
        XCTAssertEqual(TokenHash.hash("", seed: 0), 0)
        XCTAssertEqual(TokenHash.hash("sanctions"), TokenHash.hash("sanctions", seed: TokenHash.defaultSeed))
        XCTAssertEqual(String(TokenHash.hash("sanctions"), radix: 16), FrozenHashes.sanctions)
        XCTAssertEqual(String(TokenHash.hash("a"), radix: 16), FrozenHashes.a)
        XCTAssertEqual(String(TokenHash.hash("security council"), radix: 16), FrozenHashes.securityCouncil)
        let bigram = TokenHash.extend(TokenHash.hash("security"), with: TokenHash.hash("council"), length: 2)
        XCTAssertEqual(String(bigram, radix: 16), FrozenHashes.bigram)
    }

    /// Format 5's hash (`FoldHash`), checked against an implementation of its documented formula in Python.
    func testTheFoldHashIsFrozen() {
        let fold = TokenHash.Version.fold
        XCTAssertEqual(TokenHash.Version.current, fold)
        for (text, expected) in FrozenHashes.fold {
            XCTAssertEqual(String(TokenHash.hash(text, version: fold), radix: 16), expected, text)
            XCTAssertEqual(Array(text.utf8).withUnsafeBytes { FoldHash.hash($0, seed: TokenHash.defaultSeed) },
                           TokenHash.hash(text, version: fold), text)
        }
        XCTAssertEqual(String(TokenHash.hash("abc", seed: 7, version: fold), radix: 16), FrozenHashes.foldABCSeed7)
        let security = TokenHash.hash("security", version: fold), council = TokenHash.hash("council", version: fold)
        let bigram = TokenHash.extend(security, with: council, length: 2, version: fold)
        XCTAssertEqual(String(bigram, radix: 16), FrozenHashes.foldBigram)
        let un = TokenHash.hash("un", version: fold)
        let trigram = TokenHash.extend(TokenHash.extend(un, with: security, length: 2, version: fold), with: council,
                                       length: 3, version: fold)
        XCTAssertEqual(String(trigram, radix: 16), FrozenHashes.foldTrigram)
        var window = NGramWindow(ngramMin: 3, ngramMax: 3, tokenHash: fold)
        var ended: [UInt64] = []
        for token in [un, security, council] { window.push(token) { hash, _ in ended.append(hash) } }
        XCTAssertEqual(ended, [trigram], "the window extends by its own hash")
    }

    func testNGramHashDependsOnOrderAndSeed() {
        for version in TokenHash.Version.allCases {
            let a = TokenHash.hash("a", version: version), b = TokenHash.hash("b", version: version)
            XCTAssertNotEqual(TokenHash.extend(a, with: b, length: 2, version: version),
                              TokenHash.extend(b, with: a, length: 2, version: version), "\(version)")
            XCTAssertNotEqual(TokenHash.hash("a", seed: 1, version: version), TokenHash.hash("a", seed: 2, version: version))
        }
        XCTAssertNotEqual(TokenHash.hash("a", version: .fold), TokenHash.hash("a", version: .murmur))
    }

    /// Ranges up to pairs take a shorter path; they must give what the general rule gives: each token,
    /// then the pair it ends (never across `reset`, so never across documents).
    func testWordAndPairWindowsFollowTheGeneralRule() {
        for (low, high) in [(1, 1), (1, 2), (2, 2)] {
            var window = NGramWindow(ngramMin: low, ngramMax: high, tokenHash: .murmur)
            for document in 0..<2 {
                window.reset()
                let tokens = (0..<6).map { TokenHash.hash("w\(document)-\($0)") }
                for (i, token) in tokens.enumerated() {
                    var ending: [UInt64] = []
                    window.push(token) { hash, _ in ending.append(hash) }
                    var expected: [UInt64] = low == 1 ? [token] : []
                    if high == 2 && i > 0 { expected.append(TokenHash.extend(tokens[i - 1], with: token, length: 2)) }
                    XCTAssertEqual(ending, expected, "\(low)...\(high), document \(document), token \(i)")
                }
            }
        }
    }

    /// With a lower bound above 2 (`--ngrams 3...4`), the first tokens of a document end no n-gram.
    func testNGramRangesStartingAboveTwoWaitForEnoughTokens() {
        for (low, high) in [(3, 3), (3, 4), (1, 8), (8, 8)] {
            var window = NGramWindow(ngramMin: low, ngramMax: high, tokenHash: .current)
            var lengths: [[Int]] = []
            for token in 0..<10 {
                var ending: [Int] = []
                window.push(UInt64(token)) { _, n in ending.append(n) }
                lengths.append(ending)
            }
            let expected = (1...10).map { seen in Array(low...high).filter { $0 <= seen } }
            XCTAssertEqual(lengths, expected, "\(low)...\(high)")
        }
    }
}

/// Token hashes computed independently (in Python) from the formulas documented on `TokenHash` (the
/// murmur hash of formats 1-4) and `FoldHash` (format 5 on), with the default seed unless named.
enum FrozenHashes {
    static let sanctions = "a09e4fd9a389f004"
    static let a = "56213f7400cfb87d"
    static let securityCouncil = "506e2fce42707c52"
    static let bigram = "c5b61b63a4fa7abe"
    /// Tokens of 0, 1, 9, 16 and 30 bytes: no block, one partial, a whole and a partial, two whole, four.
    static let fold: [(String, String)] = [
        ("", "6ebe7ef2b92d96b7"), ("a", "a90c91430406bdc9"), ("sanctions", "611b89a28ad8307f"),
        ("security council", "bd2a4d030a54f3bf"), ("international sanctions regime", "bdfdca4f3559f256"),
    ]
    static let foldABCSeed7 = "4d33d8b8f8ff4e05"
    /// "security council" as a pair, and "un security council" as a triple.
    static let foldBigram = "9501100a61c37f8c"
    static let foldTrigram = "5d6704565e59dd72"
}
