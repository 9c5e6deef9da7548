import XCTest
import Lede
import LedeCommandLine

/// Errors and decisions of the core name its API's parameters; the command line spells them as options.
final class ParameterNamingTests: XCTestCase {
    func testCoreErrorsNameParametersAndTheCommandLineNamesOptions() {
        var options = TrainingOptions()
        options.c = 0
        XCTAssertThrowsError(try options.validate()) { error in
            guard let error = error as? LedeError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.message, "c must be a positive number, such as 1 or 0.3")
            XCTAssertEqual(error.description(naming: .commandLine), "-C must be a positive number, such as 1 or 0.3")
        }
        options = TrainingOptions()
        options.autotune = true
        options.folds = 0
        XCTAssertThrowsError(try options.validate()) { error in
            guard let error = error as? LedeError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.message, "autotune needs cross-validation: folds 2 or more")
            XCTAssertEqual(error.description(naming: .commandLine), "--autotune needs cross-validation: --folds 2 or more")
        }
    }

    func testAWrappedErrorKeepsItsReferences() {
        let inner = LedeError.invalidOption("\(Parameter.hashBits) must be between 1 and 30")
        let outer = LedeError.model("corrupt model: invalid feature settings (\(inner.template))", file: "m.lede")
        XCTAssertEqual(outer.description, "m.lede: corrupt model: invalid feature settings (hashBits must be between 1 and 30)")
        XCTAssertEqual(outer.description(naming: .commandLine),
                       "m.lede: corrupt model: invalid feature settings (--hash-bits must be between 1 and 30)")
    }

    func testEveryParameterHasAnOptionAndNoMessageKeepsAReference() {
        for parameter in Parameter.allCases {
            let option = ParameterNaming.commandLine.spell(parameter)
            XCTAssertTrue(option.hasPrefix("-"), "\(parameter) is spelled \(option)")
            let rendered = ParameterNaming.api.render("a \(parameter) b")
            XCTAssertEqual(rendered, "a \(parameter.apiName) b")
            XCTAssertFalse(rendered.contains("\u{E000}") || rendered.contains("\u{E001}"))
        }
        XCTAssertEqual(ParameterNaming.api.render("no reference {\"id\": 1}"), "no reference {\"id\": 1}")
    }

    func testTrainingDecisionsAndProgressAreSpelledByTheTrainersNaming() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = directory.appendingPathComponent("d.jsonl")
        var lines = ""
        for i in 0..<40 { lines += "{\"text\": \"word\(i % 4) common text \(i)\", \"label\": \"l\(i % 2)\"}\n" }
        try TestSupport.write(lines, to: data)
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        options.wordVectors = .off
        options.folds = 2
        var messages: [String] = []
        let api = try Trainer(options: options, progress: { messages.append($0) }).train(try LabeledDataReader(path: data.path))
        XCTAssertEqual(api.decisions.cReason, "fixed: c, or the default; autotune chooses it by cross-validation")
        XCTAssertEqual(api.decisions.wordVectorsReason, "wordVectors off")
        let flags = try Trainer(options: options, naming: .commandLine).train(try LabeledDataReader(path: data.path))
        XCTAssertEqual(flags.decisions.cReason, "fixed: -C, or the default; --autotune chooses it by cross-validation")
        XCTAssertEqual(flags.decisions.wordVectorsReason, "--word-vectors off")
        XCTAssertFalse(messages.isEmpty)
        XCTAssertFalse(messages.contains { $0.contains("\u{E000}") }, "\(messages)")
    }
}
