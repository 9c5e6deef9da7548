import FuzzDriver
import Lede

/// Any bytes, in any chunking: the tokenizer never crashes, and splitting the input in two chunks at any
/// point gives the same tokens as one chunk.
@_cdecl("fuzz_tokenizer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzTokenizer(data ?? UnsafePointer(bitPattern: 1)!, size) }
}

func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    func tokens(split: Int?) -> [[UInt8]] {
        let tokenizer = Tokenizer()
        var out: [[UInt8]] = []
        if let split {
            tokenizer.feed(UnsafeRawBufferPointer(rebasing: bytes[..<split])) { out.append(Array($0)) }
            tokenizer.feed(UnsafeRawBufferPointer(rebasing: bytes[split...])) { out.append(Array($0)) }
        } else {
            tokenizer.feed(bytes) { out.append(Array($0)) }
        }
        tokenizer.finish { out.append(Array($0)) }
        return out
    }
    let whole = tokens(split: nil)
    if size > 0 {
        let split = Int(data[0]) % (size + 1)
        precondition(tokens(split: split) == whole, "chunking changed the tokens")
    }
    for token in whole { precondition(!token.isEmpty && token.count <= Tokenizer.maxTokenBytes) }
    return 0
}
