/// Weights of a linear model fitted with one loss and one C, and the out-of-fold scores of its
/// cross-validation.
public struct LinearFit: Sendable {
    /// Feature-major `W[j * K + k]`, and K biases.
    public var weights: [Float]
    public var bias: [Float]
    /// Raw scores (N x K) of each training document by the model that did not see it.
    public var outOfFold: [Double]?
    /// SVM: the most epochs of any label's solver; logistic: L-BFGS iterations.
    public var iterations: Int
    public var converged: Bool
    public var finalLoss: Double?
    /// Squared hinge: whether each label's features were scaled by naive Bayes log-count ratios.
    public var naiveBayesScaled: [Bool]?
}

/// Fits linear models on a vectorized training set with the loss of `options`.
public struct LinearFitter {
    public let options: TrainingOptions
    public let x: SparseMatrix
    public let labels: LabelSets
    public let labelCount: Int
    public let multiLabel: Bool
    /// The columns naive Bayes scaling may apply to (`0..<scaledColumns`); the rest are dense features.
    public var scaledColumns: Int
    let progress: (String) -> Void

    public init(options: TrainingOptions, x: SparseMatrix, labels: LabelSets, labelCount: Int, multiLabel: Bool,
                progress: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.x = x
        self.labels = labels
        self.labelCount = labelCount
        self.multiLabel = multiLabel
        self.scaledColumns = x.columns
        self.progress = progress
    }

    /// Fits on every document (unless `final` is false: zero weights then) and, given `folds`, on each
    /// fold's complement, scoring the fold with it.
    public func fit(c: Double, folds: [Int]?, foldCount: Int, final: Bool = true) -> LinearFit {
        switch options.loss {
        case .squaredHinge:
            let scaling = options.naiveBayesScaling
            func run(_ scaled: Bool) -> LinearFit {
                svm(c: c, scaled: scaled, folds: folds, foldCount: foldCount, final: final)
            }
            if scaling == .auto && multiLabel {
                return folds == nil ? run(false) : choosePerLabel(run(false), run(true))
            }
            return run(scaling != .off)
        case .logistic:
            return fitLogistic(c: c, folds: folds, foldCount: foldCount, final: final)
        }
    }

    private func svm(c: Double, scaled: Bool, folds: [Int]?, foldCount: Int, final: Bool) -> LinearFit {
        var svm = OneVsRestSVM(c: c)
        svm.classWeighting = options.classWeighting
        svm.tolerance = Float(options.tolerance)
        svm.naiveBayesScaling = scaled
        svm.scaledColumns = scaledColumns
        svm.seed = options.seed
        svm.threads = options.threads
        let result = svm.train(x, labels: labels, labelCount: labelCount, folds: folds, foldCount: foldCount, final: final)
        return LinearFit(weights: result.weights, bias: result.bias, outOfFold: result.outOfFold,
                         iterations: result.epochs, converged: result.converged, finalLoss: nil,
                         naiveBayesScaled: [Bool](repeating: scaled, count: labelCount))
    }

    /// Per label, the fit whose out-of-fold F1 at its best threshold is higher (ties: `plain`).
    private func choosePerLabel(_ plain: LinearFit, _ scaled: LinearFit) -> LinearFit {
        let k = labelCount, n = x.rows
        var chosen = plain
        for label in 0..<k {
            let positives = (0..<n).map { labels.contains($0, label) }
            func f1(_ fit: LinearFit) -> Double {
                Thresholds.bestF1(scores: (0..<n).map { Float(fit.outOfFold![$0 * k + label]) }, positives: positives).f1
            }
            let (plainF1, scaledF1) = (f1(plain), f1(scaled))
            progress("naive Bayes scaling for label \(label): out-of-fold F1 \(String(format: "%.4f", plainF1)) without, \(String(format: "%.4f", scaledF1)) with")
            guard scaledF1 > plainF1 else { continue }
            chosen.naiveBayesScaled![label] = true
            chosen.bias[label] = scaled.bias[label]
            for j in 0..<x.columns { chosen.weights[j * k + label] = scaled.weights[j * k + label] }
            for r in 0..<n { chosen.outOfFold![r * k + label] = scaled.outOfFold![r * k + label] }
        }
        chosen.iterations = max(plain.iterations, scaled.iterations)
        chosen.converged = plain.converged && scaled.converged
        return chosen
    }

    private func fitLogistic(c: Double, folds: [Int]?, foldCount: Int, final: Bool) -> LinearFit {
        let k = labelCount
        var outOfFold: [Double]? = folds == nil ? nil : [Double](repeating: 0, count: x.rows * k)
        if let folds {
            for fold in 0..<foldCount {
                let split = Folds.split(folds, fold)
                let rows = split.training.map(Int.init)
                let (theta, _) = logistic(x.rows(rows), labels.subset(rows), c: c, report: false)
                let weights = theta, bias = Array(theta[(x.columns * k)...])
                for r in split.heldOut {
                    let r = Int(r)
                    for label in 0..<k {
                        var score = Double(bias[label])
                        x.forEachEntry(inRow: r) { column, value in score += Double(weights[column * k + label]) * Double(value) }
                        outOfFold![r * k + label] = score
                    }
                }
            }
        }
        guard final else {
            return LinearFit(weights: [Float](repeating: 0, count: x.columns * k), bias: [Float](repeating: 0, count: k),
                             outOfFold: outOfFold, iterations: 0, converged: true, finalLoss: nil)
        }
        let (theta, result) = logistic(x, labels, c: c, report: true)
        let weightCount = x.columns * k
        return LinearFit(weights: Array(theta[0..<weightCount]), bias: Array(theta[weightCount...]), outOfFold: outOfFold,
                         iterations: result.iterations, converged: result.converged, finalLoss: result.value)
    }

    /// L-BFGS on the logistic objective with `lambda = 1 / (C N)`.
    private func logistic(_ x: SparseMatrix, _ labels: LabelSets, c: Double, report: Bool) -> ([Float], LBFGS.Result) {
        let objective = LogisticObjective(x: x, labels: labels, labelCount: labelCount, multiLabel: multiLabel,
                                          lambda: 1 / (c * Double(max(x.rows, 1))), threads: options.threads,
                                          documentWeights: documentWeights(labels))
        var theta = [Float](repeating: 0, count: objective.dimension)
        var optimizer = LBFGS()
        optimizer.maxIterations = options.maxIterations
        let result = optimizer.minimize(&theta, progress: { iteration, loss in
            if report && iteration % 10 == 0 { self.progress("iteration \(iteration): loss \(String(format: "%.6f", loss))") }
        }, evaluate: objective.evaluate)
        return (theta, result)
    }

    /// Balanced weighting for the softmax: document i of class y weighs N / (K N_y).
    private func documentWeights(_ labels: LabelSets) -> [Float]? {
        guard options.classWeighting == .balanced, !multiLabel else { return nil }
        var counts = [Int](repeating: 0, count: labelCount)
        for label in labels.indices { counts[Int(label)] += 1 }
        let n = Double(labels.count), k = Double(labelCount)
        return (0..<labels.count).map { d in
            guard let y = labels[d].first else { return 1 }
            return Float(n / (k * Double(counts[Int(y)])))
        }
    }
}
