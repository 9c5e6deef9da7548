import Foundation

/// A self-contained HTML evaluation report: inline CSS and SVG, no script, no network.
///
/// Contents: the averages; a per-label table (precision, recall, F1, support, threshold); for single-label
/// models, a confusion matrix with the count written in each cell (correct decisions shaded blue by their
/// share of the row, errors red on a scale of their own, so that a single error shows); per label, a
/// precision-recall curve with the operating point marked (the stored threshold, or the top-label
/// decision of a single-label model), a histogram of the scores of positive and negative documents on a
/// logarithmic count scale (one document stays visible beside thousands), and the documents the model
/// got most wrong (false positives with the highest scores and their true labels, false negatives with
/// the lowest and the labels predicted instead). Every part lists the labels in the same order, the
/// table's. Laid out for screens 1280 px wide: one card per label in a wrapping grid, so 90 labels stay
/// legible.
public enum HTMLReport {
    /// How many of the worst false positives and false negatives each label lists.
    public static let worstExamples = 5

    public static func render(title: String, report: EvaluationReport, details: EvaluationDetails) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body { font: 14px/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1240px; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
        .summary span { display: inline-block; margin-right: 24px; font-size: 16px; }
        table.metrics { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        table.metrics th, table.metrics td { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; }
        table.metrics th:first-child, table.metrics td:first-child { text-align: left; }
        .grid { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { width: 292px; border: 1px solid #ddd; border-radius: 6px; padding: 8px; box-sizing: border-box; }
        .card h3 { font-size: 14px; margin: 0 0 4px; overflow-wrap: anywhere; }
        .card .numbers { color: #555; font-size: 12px; margin-bottom: 4px; }
        .errors { font-size: 11px; margin-top: 4px; } .errors li { margin-bottom: 3px; overflow-wrap: anywhere; }
        .errors b { font-variant-numeric: tabular-nums; }
        svg text { font: 10px Helvetica, Arial, sans-serif; fill: #333; }
        .legend { font-size: 11px; color: #555; }
        </style></head><body>
        <h1>\(escape(title))</h1>
        <div class="summary"><span>\(counted(report.documents, "document"))</span><span>accuracy \(f4(report.accuracy))</span>
        <span>micro-F1 \(f4(report.micro.f1))</span><span>macro-F1 \(f4(report.macro.f1))</span></div>
        <p class="legend">\(details.thresholded ? "A label is predicted when its probability reaches its threshold (the dot on its precision-recall curve, the line on its histogram)." : "Each document gets its most probable label; the dot on each precision-recall curve is that decision.")</p>

        """
        html += table(report, details)
        if !details.multiLabel { html += confusionMatrix(details) }
        html += "<h2>Per label</h2>\n<p class=\"legend\">Histograms: the label's positive documents (blue) and negative documents (orange) per score bin, on a logarithmic scale of counts (hover a bar for its count).</p>\n<div class=\"grid\">\n"
        for label in details.labels.indices { html += card(label, report, details) }
        html += "</div>\n</body></html>\n"
        return html
    }

    // MARK: - Parts

    private static func table(_ report: EvaluationReport, _ details: EvaluationDetails) -> String {
        var rows = "<h2>Precision, recall and F1</h2>\n<table class=\"metrics\"><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>threshold</th></tr>\n"
        for (index, name) in details.labels.enumerated() {
            guard let scores = report.labels[name] else { continue }
            rows += "<tr><td>\(escape(name))</td><td>\(f4(scores.precision))</td><td>\(f4(scores.recall))</td><td>\(f4(scores.f1))</td><td>\(scores.support)</td><td>\(details.thresholded ? f4(Double(details.thresholds[index])) : "top label")</td></tr>\n"
        }
        rows += "<tr><td><b>micro avg</b></td><td>\(f4(report.micro.precision))</td><td>\(f4(report.micro.recall))</td><td>\(f4(report.micro.f1))</td><td></td><td></td></tr>\n"
        rows += "<tr><td><b>macro avg</b></td><td>\(f4(report.macro.precision))</td><td>\(f4(report.macro.recall))</td><td>\(f4(report.macro.f1))</td><td></td><td></td></tr>\n</table>\n"
        return rows
    }

    private static func card(_ label: Int, _ report: EvaluationReport, _ details: EvaluationDetails) -> String {
        let name = details.labels[label]
        let scores = details.scores(of: label)
        let positives = (0..<details.count).map { details.truth.contains($0, label) }
        let predicted = (0..<details.count).map { details.predicted.contains($0, label) }
        let s = report.labels[name]
        var html = "<div class=\"card\"><h3>\(escape(name))</h3>\n"
        html += "<div class=\"numbers\">P \(f4(s?.precision ?? 0)) · R \(f4(s?.recall ?? 0)) · F1 \(f4(s?.f1 ?? 0)) · support \(s?.support ?? 0)</div>\n"
        html += precisionRecallCurve(scores: scores, positives: positives, operating: (s?.precision ?? 0, s?.recall ?? 0))
        html += histogram(scores: scores, positives: positives, threshold: details.thresholded ? details.thresholds[label] : nil)
        // The worst errors: confident false positives, and false negatives the model scored lowest.
        let falsePositives = (0..<details.count).filter { predicted[$0] && !positives[$0] }.sorted { scores[$0] > scores[$1] }
        let falseNegatives = (0..<details.count).filter { !predicted[$0] && positives[$0] }.sorted { scores[$0] < scores[$1] }
        func names(_ labels: ArraySlice<Int32>) -> String {
            labels.isEmpty ? "none" : labels.map { details.labels[Int($0)] }.joined(separator: ", ")
        }
        for (title, documents) in [("false positives", falsePositives), ("false negatives", falseNegatives)] where !documents.isEmpty {
            html += "<div class=\"errors\">\(documents.count) \(title), worst:<ul>\n"
            for d in documents.prefix(worstExamples) {
                // A false positive's true labels; a false negative's predicted ones (what the model chose instead).
                let other = title == "false positives" ? "true: \(names(details.truth[d]))" : "predicted: \(names(details.predicted[d]))"
                html += "<li><b>\(f4(Double(scores[d])))</b> \(escape(details.ids[d])) <i>(\(escape(other)))</i>: \(escape(details.snippets[d]))</li>\n"
            }
            html += "</ul></div>\n"
        }
        return html + "</div>\n"
    }

    /// Precision (y) against recall (x) as the threshold falls through the scores; at most ~200 points.
    static func precisionRecallCurve(scores: [Float], positives: [Bool], operating: (precision: Double, recall: Double)) -> String {
        let width = 272.0, height = 150.0, left = 30.0, bottom = 20.0, top = 6.0, right = 8.0
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ recall: Double) -> Double { left + recall * plotW }
        func y(_ precision: Double) -> Double { top + (1 - precision) * plotH }
        var svg = "<svg class=\"chart pr\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"precision-recall curve\">\n"
        svg += axes(left: left, top: top, plotW: plotW, plotH: plotH, xLabel: "recall", yLabel: "precision")
        let totalPositives = positives.lazy.filter { $0 }.count
        if totalPositives > 0 {
            let order = scores.indices.sorted { scores[$0] > scores[$1] }
            var truePositives = 0, points: [(Double, Double)] = []
            let step = max(1, order.count / 200)
            for (rank, d) in order.enumerated() {
                if positives[d] { truePositives += 1 }
                if rank % step == 0 || rank == order.count - 1 {
                    points.append((Double(truePositives) / Double(totalPositives), Double(truePositives) / Double(rank + 1)))
                }
            }
            let path = points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#d62728\"><title>operating point: precision %.4f, recall %.4f</title></circle>\n",
                          x(operating.recall), y(operating.precision), operating.precision, operating.recall)
        } else {
            svg += "<text x=\"\(Int(left + 10))\" y=\"\(Int(top + plotH / 2))\">no positive document</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Counts of positive and negative documents in 20 score bins over [0, 1], bar heights
    /// `log(1 + count) / log(1 + largest count)`, with the threshold.
    static func histogram(scores: [Float], positives: [Bool], threshold: Float?) -> String {
        let width = 272.0, height = 110.0, left = 30.0, bottom = 20.0, top = 6.0, right = 8.0
        let plotW = width - left - right, plotH = height - top - bottom, bins = 20
        var counts = [[Int]](repeating: [Int](repeating: 0, count: bins), count: 2)
        for (score, positive) in zip(scores, positives) {
            let bin = min(bins - 1, max(0, Int(Double(score) * Double(bins))))
            counts[positive ? 0 : 1][bin] += 1
        }
        var svg = "<svg class=\"chart histogram\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"score histogram\">\n"
        let largest = max(1, counts.joined().max() ?? 1)
        svg += axes(left: left, top: top, plotW: plotW, plotH: plotH, xLabel: "score", yLabel: "documents (log)",
                    yTicks: [(log(2) / log(Double(1 + largest)), "1"), (1, "\(largest)")])
        let binW = plotW / Double(bins)
        for (series, color) in [(0, "#1f77b4"), (1, "#ff7f0e")] {
            for bin in 0..<bins where counts[series][bin] > 0 {
                let h = log(Double(1 + counts[series][bin])) / log(Double(1 + largest)) * plotH
                let x = left + Double(bin) * binW + (series == 0 ? 0 : binW / 2)
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" opacity=\"0.8\"><title>%d %@ documents in [%.2f, %.2f)</title></rect>\n",
                              x, top + plotH - h, binW / 2, h, color, counts[series][bin], series == 0 ? "positive" : "negative",
                              Double(bin) / Double(bins), Double(bin + 1) / Double(bins))
            }
        }
        if let threshold {
            let tx = left + Double(threshold) * plotW
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-dasharray=\"3,2\"/>\n", tx, top, tx, top + plotH)
        }
        return svg + "</svg>\n"
    }

    /// Rows: true label; columns: predicted label; each cell's count written in it (when the cell is large
    /// enough, else in its tooltip). The diagonal is shaded blue by its share of the row; errors red by
    /// their count against the largest error count, at least a visible tint for a single one.
    static func confusionMatrix(_ details: EvaluationDetails) -> String {
        let k = details.labels.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for d in 0..<details.count {
            guard let t = details.truth[d].first, let p = details.predicted[d].first else { continue }
            counts[Int(t)][Int(p)] += 1
        }
        let cell = Double(max(12, min(36, 640 / max(k, 1))))
        let longest = details.labels.map(\.count).max() ?? 0
        let margin = Double(min(220, 12 + 6 * longest))
        let size = margin + cell * Double(k) + 10
        let width = size + 3 * Double(longest)  // the last column's slanted label reaches right
        let largestError = max(1, (0..<k).flatMap { row in (0..<k).filter { $0 != row }.map { counts[row][$0] } }.max() ?? 1)
        let writeCounts = cell >= 18
        var svg = "<h2>Confusion matrix</h2>\n<p class=\"legend\">Rows: true label; columns: predicted label; each cell holds its count. Correct decisions are blue, darker for a larger share of the row; errors are red, darker for more (the most: \(largestError)).</p>\n"
        svg += "<svg class=\"chart confusion\" width=\"\(Int(width))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(width)) \(Int(size))\" role=\"img\" aria-label=\"confusion matrix\">\n"
        for row in 0..<k {
            let total = max(1, counts[row].reduce(0, +))
            let y = margin + Double(row) * cell
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", margin - 4, y + cell / 2 + 3, escape(details.labels[row]))
            for column in 0..<k {
                let count = counts[row][column]
                let fill: (Int, Int, Int), dark: Bool
                if row == column {
                    let share = Double(count) / Double(total)
                    fill = (Int(255 - 224 * share), Int(255 - 136 * share), Int(255 - 75 * share))
                    dark = share > 0.6
                } else if count > 0 {
                    let strength = 0.15 + 0.85 * Double(count) / Double(largestError)
                    fill = (Int(255 - 41 * strength), Int(255 - 216 * strength), Int(255 - 215 * strength))
                    dark = strength > 0.6
                } else {
                    fill = (255, 255, 255)
                    dark = false
                }
                let x = margin + Double(column) * cell
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\" stroke=\"#eee\"><title>true %@, predicted %@: %d</title></rect>\n",
                              x, y, cell - 1, cell - 1, fill.0, fill.1, fill.2,
                              escape(details.labels[row]), escape(details.labels[column]), count)
                if writeCounts && count > 0 {
                    svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" style=\"fill:%@\">%d</text>\n",
                                  x + (cell - 1) / 2, y + cell / 2 + 3, dark ? "#fff" : "#222", count)
                }
            }
        }
        for column in 0..<k {
            let x = margin + Double(column) * cell + cell / 2 + 3
            svg += String(format: "<text transform=\"translate(%.1f,%.1f) rotate(-60)\" text-anchor=\"start\">%@</text>\n", x, margin - 4, escape(details.labels[column]))
        }
        return svg + "</svg>\n"
    }

    /// A frame with ticks 0, 0.5 and 1 on x, and `yTicks` (position in [0, 1], text) on y (default as x).
    private static func axes(left: Double, top: Double, plotW: Double, plotH: Double, xLabel: String, yLabel: String,
                             yTicks: [(Double, String)] = [(0, "0.0"), (0.5, "0.5"), (1, "1.0")]) -> String {
        var svg = String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n", left, top, plotW, plotH)
        for tick in [0.0, 0.5, 1.0] {
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>\n", left + tick * plotW, top + plotH + 11, tick)
        }
        for (position, text) in yTicks {
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", left - 3, top + (1 - position) * plotH + 3, text)
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>\n", left + 0.75 * plotW, top + plotH + 11, xLabel)
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>\n", left + 3, top + 10, yLabel)
        return svg
    }

    // MARK: - Text

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not valid in HTML text.
                if character.value < 0x20 && character != "\t" && character != "\n" { out += " " } else { out.unicodeScalars.append(character) }
            }
        }
        return out
    }

    private static func f4(_ value: Double) -> String { String(format: "%.4f", value) }
}
