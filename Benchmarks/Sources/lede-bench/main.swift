// Micro-benchmarks of the Lede library, printed as one table:
//   lede-bench MODEL LINES_FILE
// MODEL: a model file (e.g. a 20 Newsgroups model); LINES_FILE: news text, one document per line.
// Allocation counts need the interposer preloaded (Benchmarks/bench.sh does it).
import CBLAS
import Foundation
import Lede
import MallocInterposerSwift

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write("usage: lede-bench MODEL LINES_FILE\n".data(using: .utf8)!)
    exit(2)
}
let modelPath = arguments[1]
let text = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
let minimumSeconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 1.0

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Runs `body` (which processes `units` of work) until `minimumSeconds` have passed, three times, and
/// returns the best rate in units per second (the least disturbed run on a shared machine).
func rate(units: Double, _ body: () -> Void) -> Double {
    body()  // warm up
    var best = 0.0
    for _ in 0..<3 {
        var repetitions = 0
        let start = now()
        while now() - start < minimumSeconds {
            body()
            repetitions += 1
        }
        best = max(best, units * Double(repetitions) / (now() - start))
    }
    return best
}

func row(_ name: String, _ value: String, _ note: String = "") {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + value.padding(toLength: 22, withPad: " ", startingAt: 0) + note)
}

print("lede-bench: model \(modelPath), text \(arguments[2]) (\(text.count) bytes)")
row("measure", "figure", "note")

// MARK: - Tokenizer

/// Everything outside ASCII: accented Latin, Cyrillic, Greek, CJK ideographs and kana, mixed with ASCII
/// as in real multilingual news.
let multilingual = """
La Commission européenne a présenté mercredi un nouveau train de sanctions contre la Russie, visant \
l'énergie et les exportations de technologies. Die Außenminister der Europäischen Union berieten in \
Brüssel über die Lage an der Grenze; Österreich und Ungarn äußerten Bedenken. El Consejo de Seguridad \
de la ONU se reunió de urgencia tras el ataque a un convoy humanitario en el norte del país. \
Министр иностранных дел заявил, что переговоры о прекращении огня продолжатся на следующей неделе. \
Οι υπουργοί Εξωτερικών συζήτησαν τις κυρώσεις και την ενεργειακή κρίση. \
国連安全保障理事会は、停戦合意の履行状況について協議した。中国外交部发言人表示，双方将继续就贸易争端进行磋商。 \
Les marchés ont réagi avec prudence ; le cours du pétrole a progressé de 2,4 % à Londres.

"""
let multilingualText = Data(String(repeating: multilingual, count: max(1, 4_000_000 / multilingual.utf8.count)).utf8)

/// Bytes per second through `Tokenizer.countTokens`: the tokenizer with its per-token handler inlined, as
/// the featurizer runs it (a closure called through a pointer per token would measure the call instead).
func tokenizerRate(_ data: Data) -> Double {
    let tokenizer = Tokenizer()
    var tokens = 0
    return data.withUnsafeBytes { bytes in
        rate(units: Double(bytes.count)) {
            tokens &+= tokenizer.countTokens(bytes)
        }
    } + Double(tokens & 0)
}
let asciiRate = tokenizerRate(text)
let multilingualRate = tokenizerRate(multilingualText)
row("tokenizer, news text", String(format: "%.0f MB/s", asciiRate / 1e6), "in memory, one thread")
row("tokenizer, multilingual text", String(format: "%.0f MB/s", multilingualRate / 1e6),
    String(format: "%.2fx slower than news text", asciiRate / multilingualRate))

// MARK: - Model load

var loadTimes: [Double] = []
for _ in 0..<21 {
    let start = now()
    let model = try ModelFile.load(modelPath)
    loadTimes.append(now() - start)
    precondition(model.labels.count > 0)
}
loadTimes.sort()
let model = try ModelFile.load(modelPath)
let modelBytes = (try? FileManager.default.attributesOfItem(atPath: modelPath)[.size] as? Int) ?? 0
row("model load (median of 21)", String(format: "%.2f ms", loadTimes[10] * 1000),
    String(format: "%.1f MB, %d labels, %d features", Double(modelBytes) / 1e6, model.labels.count, model.metadata.columns))

// MARK: - Scoring

let documents: [Range<Int>] = text.withUnsafeBytes { bytes in
    var ranges: [Range<Int>] = []
    var start = 0
    for (i, byte) in bytes.enumerated() where byte == 0x0A {
        if i > start { ranges.append(start..<i) }
        start = i + 1
    }
    if start < bytes.count { ranges.append(start..<bytes.count) }
    return ranges
}
let scorer = DocumentScorer(model: model)
func scoreAll(_ bytes: UnsafeRawBufferPointer, limit: Int = .max) {
    for range in documents.prefix(limit) {
        scorer.score(UnsafeRawBufferPointer(rebasing: bytes[range])) { _ in }
    }
}
let docsPerSecond = text.withUnsafeBytes { bytes in rate(units: Double(documents.count)) { scoreAll(bytes) } }
row("featurize + score, per document", String(format: "%.0f docs/s", docsPerSecond),
    String(format: "%.1f MB/s; %d documents in memory, one thread", docsPerSecond * Double(text.count) / Double(documents.count) / 1e6, documents.count))

// Allocations in the steady state: count while scoring every document once more, after a warm-up pass.
text.withUnsafeBytes { bytes in
    scoreAll(bytes)
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let probe = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)  // proves that counting works
    probe.deallocate()
    let before = MallocInterposerSwift.getStatistics().mallocCount
    scoreAll(bytes)
    let after = MallocInterposerSwift.getStatistics().mallocCount
    MallocInterposerSwift.unhook()
    if before == 0 {
        row("allocations per document", "not counted", "run through Benchmarks/bench.sh (preloads the interposer)")
    } else {
        row("allocations per document", String(format: "%.4f", Double(after - before) / Double(documents.count)),
            "\(after - before) mallocs over \(documents.count) documents after a warm-up pass")
    }
}

// MARK: - BLAS against Lede's fixed-order kernels

/// L-BFGS's vector operations, on a 20 Newsgroups-sized parameter vector (400,000 features x 20 labels):
/// the system BLAS against `FixedOrderBLAS`, which training uses so that its bits do not depend on the BLAS.
let n = 8_000_000
var x = [Float](repeating: 0, count: n), y = [Float](repeating: 0, count: n)
for i in 0..<n { x[i] = Float(i % 1000) / 1000; y[i] = Float((i * 7) % 1000) / 1000 }
x.withUnsafeBufferPointer { xp in
    y.withUnsafeMutableBufferPointer { yp in
        let xb = xp.baseAddress!, yb = yp.baseAddress!
        var sink = 0.0
        let blasDot = rate(units: Double(n)) { sink += cblas_dsdot(Int32(n), xb, 1, yb, 1) }
        let fixedDot = rate(units: Double(n)) { sink += FixedOrderBLAS.dot(xb, yb, count: n) }
        row("L-BFGS dot (8M floats), BLAS", String(format: "%.2f Gflop/s", 2 * blasDot / 1e9), "cblas_dsdot")
        row("L-BFGS dot (8M floats), fixed order", String(format: "%.2f Gflop/s", 2 * fixedDot / 1e9),
            String(format: "BLAS/fixed %.2fx", blasDot / fixedDot))
        let blasAxpy = rate(units: Double(n)) { cblas_saxpy(Int32(n), 1e-7, xb, 1, yb, 1) }
        let fixedAxpy = rate(units: Double(n)) { FixedOrderBLAS.axpy(1e-7, xb, yb, count: n) }
        row("L-BFGS axpy (8M floats), BLAS", String(format: "%.2f Gflop/s", 2 * blasAxpy / 1e9), "cblas_saxpy")
        row("L-BFGS axpy (8M floats), fixed order", String(format: "%.2f Gflop/s", 2 * fixedAxpy / 1e9),
            String(format: "BLAS/fixed %.2fx", blasAxpy / fixedAxpy))
        if sink.isNaN { print(sink) }
    }
}

/// The word vectors' dense step: the Gram matrix X^T X of a row block (4,096 words x 310 directions), as
/// the randomized SVD forms it, and X B for a 310 x 300 B.
do {
    let rows = 4096, width = 310, rank = 300
    var state: UInt64 = 7
    let block = (0..<(rows * width)).map { _ -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1
        return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
    }
    let basis = Array(block.prefix(width * rank))
    var out = [Float](repeating: 0, count: rows * rank)
    block.withUnsafeBufferPointer { a in
        basis.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { c in
                let a = a.baseAddress!, b = b.baseAddress!, c = c.baseAddress!
                let gramFlops = 2.0 * Double(width * width * rows), productFlops = 2.0 * Double(rows * width * rank)
                let blasGram = rate(units: gramFlops) {
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(width), Int32(width), Int32(rows), 1,
                                a, Int32(width), a, Int32(width), 0, c, Int32(width))
                }
                let fixedGram = rate(units: gramFlops) {
                    FixedOrderBLAS.gemm(m: width, n: width, k: rows, a: a, transposeA: true, b: a, c: c)
                }
                row("word vectors: X^T X (4096 x 310), BLAS", String(format: "%.2f Gflop/s", blasGram / 1e9), "cblas_sgemm")
                row("word vectors: X^T X, fixed order", String(format: "%.2f Gflop/s", fixedGram / 1e9),
                    String(format: "BLAS/fixed %.2fx", blasGram / fixedGram))
                let blasProduct = rate(units: productFlops) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(rank), Int32(width), 1,
                                a, Int32(width), b, Int32(rank), 0, c, Int32(rank))
                }
                let fixedProduct = rate(units: productFlops) {
                    FixedOrderBLAS.gemm(m: rows, n: rank, k: width, a: a, b: b, c: c)
                }
                row("word vectors: X B (4096 x 310 x 300), BLAS", String(format: "%.2f Gflop/s", blasProduct / 1e9), "cblas_sgemm")
                row("word vectors: X B, fixed order", String(format: "%.2f Gflop/s", fixedProduct / 1e9),
                    String(format: "BLAS/fixed %.2fx", blasProduct / fixedProduct))
            }
        }
    }
}

/// Scoring: the margins of sparse documents (500 non-zeros over 400,000 features) against K labels, by
/// the model's own loop or by one BLAS axpy per non-zero.
for k in [3, 20, 90] {
    let features = 400_000, nonZeros = 500
    var weights = [Float](repeating: 0, count: features * k)
    for i in 0..<weights.count { weights[i] = Float((i * 2_654_435_761) % 1000) / 1000 - 0.5 }
    let vector = SparseVector()
    var state: UInt64 = 1
    for _ in 0..<nonZeros {
        state = state &* 6_364_136_223_846_793_005 &+ 1
        vector.append(column: Int32(truncatingIfNeeded: (state >> 33) % UInt64(features)), value: 0.04)
    }
    let bias = [Float](repeating: 0, count: k)
    var out = [Float](repeating: 0, count: k)
    weights.withUnsafeBufferPointer { w in
        bias.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                let linear = LinearModel(labels: (0..<k).map { "l\($0)" }, multiLabel: true, features: features,
                                         weights: Storage(weights), bias: Storage(bias),
                                         thresholds: [Float](repeating: 0.5, count: k))
                let swift = rate(units: 1) { linear.margins(vector, into: o.baseAddress!) }
                let blas = rate(units: 1) {
                    o.baseAddress!.update(from: b.baseAddress!, count: k)
                    for e in 0..<vector.count {
                        cblas_saxpy(Int32(k), vector[e].value, w.baseAddress! + Int(vector[e].column) * k, 1, o.baseAddress!, 1)
                    }
                }
                row("margins, \(k) labels, Swift loop", String(format: "%.0f docs/s", swift), "LinearModel.margins (dense rows)")
                row("margins, \(k) labels, BLAS axpy per non-zero", String(format: "%.0f docs/s", blas),
                    String(format: "Swift/BLAS %.2fx", swift / blas))
            }
        }
    }
}

/// The word-vector part of the margins: each document's 300 dense features times the dense columns'
/// weights (300 x K). Per document in a plain loop (`DocumentScorer` also keeps four labels' sums in
/// registers), against one `cblas_sgemm` over a batch of 256 documents (the batch a worker would have to
/// gather first).
for k in [3, 20] {
    let dimensions = 300, batch = 256
    var state: UInt64 = 3
    func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1
        return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
    }
    let features = (0..<(batch * dimensions)).map { _ in next() }
    let weights = (0..<(dimensions * k)).map { _ in next() }
    var out = [Float](repeating: 0, count: batch * k)
    features.withUnsafeBufferPointer { f in
        weights.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                let f = f.baseAddress!, w = w.baseAddress!, o = o.baseAddress!
                let loop = rate(units: Double(batch)) {
                    for d in 0..<batch {
                        let z = o + d * k, x = f + d * dimensions
                        for i in 0..<dimensions {
                            let row = w + i * k, value = x[i]
                            for label in 0..<k { z[label] += value * row[label] }
                        }
                    }
                }
                let blas = rate(units: Double(batch)) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(batch), Int32(k), Int32(dimensions), 1,
                                f, Int32(dimensions), w, Int32(k), 1, o, Int32(k))
                }
                row("word-vector margins, \(k) labels, per document", String(format: "%.0f docs/s", loop), "plain loop per document")
                row("word-vector margins, \(k) labels, sgemm x256", String(format: "%.0f docs/s", blas),
                    String(format: "BLAS/loop %.2fx", blas / loop))
            }
        }
    }
}
