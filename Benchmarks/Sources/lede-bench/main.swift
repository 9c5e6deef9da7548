// Micro-benchmarks of the Lede library, printed as one table:
//   lede-bench MODEL LINES_FILE
// MODEL: a model file (e.g. a 20 Newsgroups model); LINES_FILE: news text, one document per line.
// Allocation counts need the interposer preloaded (Benchmarks/bench.sh does it).
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

func tokenizerRate(_ data: Data) -> Double {
    let tokenizer = Tokenizer()
    var tokens = 0
    return data.withUnsafeBytes { bytes in
        rate(units: Double(bytes.count)) {
            tokenizer.reset()
            tokenizer.feed(bytes) { tokens &+= $0.count }
            tokenizer.finish { tokens &+= $0.count }
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
        scorer.score(UnsafeRawBufferPointer(rebasing: bytes[range]))
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

// MARK: - BLAS against plain Swift

/// L-BFGS's vector operations, on a 20 Newsgroups-sized parameter vector (400,000 features x 20 labels).
let n = 8_000_000
var x = [Float](repeating: 0, count: n), y = [Float](repeating: 0, count: n)
for i in 0..<n { x[i] = Float(i % 1000) / 1000; y[i] = Float((i * 7) % 1000) / 1000 }
x.withUnsafeBufferPointer { xp in
    y.withUnsafeMutableBufferPointer { yp in
        let xb = xp.baseAddress!, yb = yp.baseAddress!
        var sink = 0.0
        let blasDot = rate(units: Double(n)) { sink += BLAS.dot(xb, yb, count: n) }
        let swiftDot = rate(units: Double(n)) {
            var total = 0.0
            for i in 0..<n { total += Double(xb[i]) * Double(yb[i]) }
            sink += total
        }
        row("L-BFGS dot (8M floats), BLAS", String(format: "%.2f Gflop/s", 2 * blasDot / 1e9), "cblas_dsdot")
        row("L-BFGS dot (8M floats), Swift", String(format: "%.2f Gflop/s", 2 * swiftDot / 1e9),
            String(format: "BLAS/Swift %.2fx", blasDot / swiftDot))
        let blasAxpy = rate(units: Double(n)) { BLAS.axpy(1e-7, xb, yb, count: n) }
        let swiftAxpy = rate(units: Double(n)) { for i in 0..<n { yb[i] += 1e-7 * xb[i] } }
        row("L-BFGS axpy (8M floats), BLAS", String(format: "%.2f Gflop/s", 2 * blasAxpy / 1e9), "cblas_saxpy")
        row("L-BFGS axpy (8M floats), Swift", String(format: "%.2f Gflop/s", 2 * swiftAxpy / 1e9),
            String(format: "BLAS/Swift %.2fx", blasAxpy / swiftAxpy))
        if sink.isNaN { print(sink) }
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
                        BLAS.axpy(vector.values[e], w.baseAddress! + Int(vector.columns[e]) * k, o.baseAddress!, count: k)
                    }
                }
                row("margins, \(k) labels, Swift loop", String(format: "%.0f docs/s", swift), "what lede-classify uses")
                row("margins, \(k) labels, BLAS axpy per non-zero", String(format: "%.0f docs/s", blas),
                    String(format: "Swift/BLAS %.2fx", swift / blas))
            }
        }
    }
}
