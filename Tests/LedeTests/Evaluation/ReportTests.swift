import Foundation
import XCTest
import Lede

/// The HTML evaluation report (checked in a real browser when Chromium is installed), HTML input, JSON
/// summaries and shell completions.
extension CommandLineTests {
    var topicModel: String { TestSupport.packageRoot.appendingPathComponent("models/topics.lede").path }
    var topicDev: String { TestSupport.packageRoot.appendingPathComponent("datasets/topics/dev.jsonl").path }

    func testHTMLReportIsSelfContainedAndComplete() throws {
        let directory = try TestSupport.temporaryDirectory()
        let page = directory.appendingPathComponent("report.html").path
        let result = try run("lede-train", ["evaluate", topicModel, topicDev, "--report", page])
        XCTAssertEqual(result.status, 0, result.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        // Three labels: a precision-recall curve and a histogram each; no confusion matrix (multi-label).
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart pr\"").count - 1, 3)
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart histogram\"").count - 1, 3)
        XCTAssertFalse(html.contains("<svg class=\"chart confusion\""))
        XCTAssertFalse(html.contains("<script"), "no script")
        XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="), "no network")
        for label in ["conflict", "geopolitics", "sanctions"] { XCTAssertTrue(html.contains("<h3>\(label)</h3>")) }
        XCTAssertTrue(html.contains("false positives, worst:"))
        XCTAssertTrue(html.contains("640 documents"))
    }

    func testConfusionMatrixForSingleLabelModels() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = directory.appendingPathComponent("single.tsv")
        var lines: [String] = []
        for round in 0..<10 {
            lines.append("sport\tthe match ended in a draw after extra time \(round)")
            lines.append("politics\tthe parliament voted on the budget bill \(round)")
            lines.append("science\tthe telescope observed a distant galaxy \(round)")
        }
        try TestSupport.write(lines.joined(separator: "\n") + "\n", to: data)
        let model = directory.appendingPathComponent("single.lede").path
        let page = directory.appendingPathComponent("single.html").path
        let trained = try run("lede-train", [data.path, "-o", model, "--min-df", "1", "--validation", data.path, "--report", page, "-q"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertTrue(html.contains("<svg class=\"chart confusion\""))
        // 3 x 3 cells, each titled with its count.
        XCTAssertEqual(html.components(separatedBy: "<title>true ").count - 1, 9)
        XCTAssertTrue(html.contains("<title>true politics, predicted politics: 10</title>"))
    }

    func testReportRendersInChromium() throws {
        let renderer = TestSupport.packageRoot.appendingPathComponent("scripts/render-report.sh").path
        guard ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].contains(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("Chromium is not installed (apt-get install chromium): the report is not rendered in a browser")
        }
        let directory = try TestSupport.temporaryDirectory()
        let page = directory.appendingPathComponent("report.html").path
        let png = directory.appendingPathComponent("report.png").path
        XCTAssertEqual(try run("lede-train", ["evaluate", topicModel, topicDev, "--report", page]).status, 0)
        let render = try TestSupport.run("/bin/bash", [renderer, page, png, "1600"])
        let dom = render.stdout
        XCTAssertEqual(render.status, 0, "Chromium loaded the page")
        // What the browser built: the title and the six charts.
        XCTAssertTrue(dom.contains("<title>Lede evaluation:"), String(dom.prefix(300)))
        XCTAssertEqual(dom.components(separatedBy: "<svg").count - 1, 6)
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(image.count, 20_000, "a rendered page, not a blank one")
    }

    func testHTMLInputIsReducedToItsText() throws {
        let html = """
        <html><head><title>t</title><style>p { color: red }</style><script>var a = "<p>sanctions</p>";</script></head>
        <body><!-- <p>hidden</p> --><h1>UN&nbsp;council</h1><p class="x>y">Arms embargo &amp; asset freeze on the regime&#39;s
        <a href='/x'>exports</a>&#x2014;caf&eacute; &unknown; AT&T</p><NOSCRIPT>enable js</NOSCRIPT></body></html>
        """
        var text: [UInt8] = []
        var bytes = Array(html.utf8)
        bytes.withUnsafeMutableBytes { HTMLText.extract(UnsafeRawBufferPointer($0), into: &text) }
        let words = String(decoding: text, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        XCTAssertEqual(words, "t UN\u{A0}council Arms embargo & asset freeze on the regime's exports —café &unknown; AT&T")
        let directory = try TestSupport.temporaryDirectory()
        let page = directory.appendingPathComponent("page.html")
        try TestSupport.write(html, to: page)
        let result = try run("lede-classify", ["--html", page.path, "--quiet", "--explain", "50", "--explain-all"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("\"color\"") || result.stdout.contains("\"var\""), "no style or script terms")
    }

    func testJSONSummariesOnStandardError() throws {
        let samples = TestSupport.packageRoot.appendingPathComponent("datasets/samples").path
        let classified = try run("lede-classify", [samples, "--json-summary"])
        XCTAssertEqual(classified.status, 0)
        let summary = try JSONSerialization.jsonObject(with: Data(classified.stderr.utf8)) as! [String: Any]
        XCTAssertEqual(summary["documents"] as? Int, try jsonLines(classified.stdout).count)
        XCTAssertEqual(summary["errors"] as? Int, 0)
        let directory = try TestSupport.temporaryDirectory()
        let data = try TestSupport.toyMultiLabel(in: directory)
        let trained = try run("lede-train", [data.path, "-o", directory.appendingPathComponent("m.lede").path, "--min-df", "1", "--json-summary"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let training = try JSONSerialization.jsonObject(with: Data(trained.stderr.utf8)) as! [String: Any]
        XCTAssertEqual(training["labels"] as? Int, 2)
    }

    func testCompletionsAndRefusalsListTheValuesAnOptionTakes() throws {
        let train = try run("lede-train", ["--generate-completion-script", "bash"]).stdout
        for values in ["'squared-hinge'$'\\n''logistic'", "'l2'$'\\n''l1'$'\\n''none'", "'none'$'\\n''balanced'",
                       "'jsonl'$'\\n''tsv'$'\\n''csv'$'\\n''fasttext'$'\\n''dir'"] {
            XCTAssertTrue(train.contains(values), "lede-train's bash completions do not offer \(values)")
        }
        let classify = try run("lede-classify", ["--generate-completion-script", "fish"]).stdout
        XCTAssertTrue(classify.contains("-l 'input-format'") && classify.contains("-rfka 'files jsonl tsv lines'"), classify)
        XCTAssertTrue(classify.contains("-l 'output-format'") && classify.contains("-rfka 'jsonl tsv'"), classify)
        let refused = try run("lede-train", ["data.jsonl", "-o", "m.lede", "--loss", "hinge"])
        XCTAssertEqual(refused.status, 64, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("'squared-hinge'") && refused.stderr.contains("'logistic'"), refused.stderr)
        let format = try run("lede-train", ["evaluate", "m.lede", "data.jsonl", "--format", "xml"])
        XCTAssertEqual(format.status, 64, format.stderr)
        XCTAssertTrue(format.stderr.contains("'fasttext'"), format.stderr)
    }
}
