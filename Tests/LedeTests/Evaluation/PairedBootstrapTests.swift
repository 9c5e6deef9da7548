import XCTest
import Lede

final class PairedBootstrapTests: XCTestCase {
    func testPairedBootstrapFavoursTheModelThatIsRightMoreOften() {
        // 40 documents, 2 labels; the truth is label 0 on even documents, label 1 on odd ones.
        var weak = PairedBootstrap.Decisions(labels: 2), strong = weak, same = weak
        for d in 0..<40 {
            let truth = [d % 2]
            weak.add(predicted: d % 4 == 0 ? [1 - d % 2] : truth, truth: truth)  // a quarter wrong
            strong.add(predicted: truth, truth: truth)
            same.add(predicted: d % 4 == 0 ? [1 - d % 2] : truth, truth: truth)
        }
        XCTAssertEqual(PairedBootstrap.fractionSecondBetter(weak, same, multiLabel: true), 0.5, "identical decisions tie")
        XCTAssertGreaterThan(PairedBootstrap.fractionSecondBetter(weak, strong, multiLabel: true), 0.99)
        XCTAssertLessThan(PairedBootstrap.fractionSecondBetter(strong, weak, multiLabel: false), 0.01)
        XCTAssertEqual(PairedBootstrap.fractionSecondBetter(weak, strong, multiLabel: true, seed: 3),
                       PairedBootstrap.fractionSecondBetter(weak, strong, multiLabel: true, seed: 3))

        // One document of 40 apart: a difference the resampling cannot tell from chance.
        var almost = PairedBootstrap.Decisions(labels: 2)
        for d in 0..<40 { almost.add(predicted: d == 0 ? [1] : [d % 2], truth: [d % 2]) }
        let fraction = PairedBootstrap.fractionSecondBetter(almost, strong, multiLabel: false)
        XCTAssertGreaterThan(fraction, 0.5)
        XCTAssertLessThan(fraction, PairedBootstrap.confidence)
    }
}
