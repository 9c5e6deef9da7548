/// Fits linear models on the training documents of one `LabelPlan` under one cross-validation plan: final
/// fits with their calibration and cross-validated report, and the fold-wise fits that compare choices
/// (word vectors, C).
///
/// Folds: `options.folds` (at most one per document), assigned by `Folds.assign` with `options.seed`. A
/// single-label model needs held-out scores for one number only (its softmax temperature), so its final
/// fit runs the first fold only; a multi-label one needs them for every label's threshold: all folds.
struct CrossValidatedFitting {
    let options: TrainingOptions
    let labels: LabelPlan
    /// The tf-idf columns (`0..<termColumns`): the ones naive Bayes scaling may apply to.
    let termColumns: Int
    let progress: (String) -> Void
    /// Number of folds, 0 without cross-validation.
    let foldCount: Int
    /// The fold of each training document (nil without cross-validation).
    let folds: [Int]?
    /// The folds a final fit runs (`foldCount`, or 1 for single-label models).
    let runFolds: Int
    /// `folds` with the documents of folds a final fit does not run marked -1.
    let calibrationFolds: [Int]?
    /// The documents that get out-of-fold scores in a final fit.
    let scoredRows: [Int]?

    init(options: TrainingOptions, labels: LabelPlan, termColumns: Int, documents: Int, progress: @escaping (String) -> Void) {
        self.options = options
        self.labels = labels
        self.termColumns = termColumns
        self.progress = progress
        let foldCount = options.folds >= 2 ? min(options.folds, documents) : 0
        let folds = foldCount >= 2 ? Folds.assign(labels.train, labelCount: labels.count, count: foldCount, seed: options.seed) : nil
        let runFolds = labels.multiLabel ? foldCount : min(foldCount, 1)
        let calibrationFolds = folds.map { $0.map { $0 < runFolds ? $0 : -1 } }
        self.foldCount = foldCount
        self.folds = folds
        self.runFolds = runFolds
        self.calibrationFolds = calibrationFolds
        scoredRows = calibrationFolds.map { folds in folds.indices.filter { folds[$0] >= 0 } }
    }

    /// "accuracy" or "mean of micro and macro F1": what comparisons of fits maximize.
    var criterion: String { EvaluationReport.selectionCriterion(multiLabel: labels.multiLabel) }

    func fitter(_ x: SparseMatrix) -> LinearFitter {
        var fitter = LinearFitter(options: options, x: x, labels: labels.train, labelCount: labels.count,
                                  multiLabel: labels.multiLabel, progress: progress)
        fitter.scaledColumns = termColumns
        return fitter
    }

    /// The model on every document, calibrated on the out-of-fold scores of `calibrationFolds`.
    func finalFit(_ x: SparseMatrix, c: Double) -> CalibratedFit {
        let foldNote = folds == nil ? ""
            : runFolds == foldCount ? ", with \(foldCount)-fold cross-validation"
            : ", with 1 of \(foldCount) folds held out for calibration"
        progress("training \(options.loss.rawValue), C \(c), \(x.columns) features\(foldNote)")
        let fit = fitter(x).fit(c: c, folds: calibrationFolds, foldCount: runFolds)
        progress("solver: \(fit.iterations) \(options.loss == .logistic ? "iterations" : "epochs at most")\(fit.converged ? "" : " (limit reached)")")
        let calibrated = Trainer.calibrate(fit, labels: labels.names, features: x.columns, multiLabel: labels.multiLabel,
                                           truth: labels.train, rows: scoredRows)
        var crossValidation: EvaluationReport?
        var decisions: PairedBootstrap.Decisions?
        if let probabilities = calibrated.outOfFold, let scoredRows {
            let outOfFold = Trainer.decisions(calibrated.model, probabilities: probabilities, truth: labels.train.subset(scoredRows))
            decisions = outOfFold
            crossValidation = outOfFold.report(labels: labels.names)
        }
        return CalibratedFit(fit: fit, model: calibrated.model, crossValidation: crossValidation, decisions: decisions)
    }

    /// The cross-validated selection score of C = `c` on `x`, every fold run (no final fit).
    func crossValidatedScore(_ fitter: LinearFitter, c: Double) -> Double {
        let trial = fitter.fit(c: c, folds: folds, foldCount: foldCount, final: false)
        let calibrated = Trainer.calibrate(trial, labels: labels.names, features: fitter.x.columns,
                                           multiLabel: labels.multiLabel, truth: labels.train)
        guard let outOfFold = calibrated.outOfFold else {
            preconditionFailure("a fit with cross-validation folds has out-of-fold scores")
        }
        let report = Trainer.evaluate(calibrated.model, probabilities: outOfFold, truth: labels.train)
        return report.selectionScore(multiLabel: labels.multiLabel)
    }
}

/// A final fit with its calibrated model and cross-validated report.
struct CalibratedFit {
    var fit: LinearFit
    var model: LinearModel
    var crossValidation: EvaluationReport?
    /// The out-of-fold decisions, for comparing fits.
    var decisions: PairedBootstrap.Decisions?
}
