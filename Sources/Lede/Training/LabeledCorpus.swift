/// The first stage of training: the labeled data read once, its n-grams counted by a `VocabularyBuilder`,
/// its label names indexed, and what the data says about the model type (a document with no label or
/// several makes it multi-label).
///
/// Training documents go to the builder (which fits the feature space on them); held-out documents (the
/// validation file, or `TrainingOptions.validationFraction` of the data) are hashed into `heldOut` for the
/// report. Labels keep the order of first appearance until `labelPlan` sorts them.
struct LabeledCorpus {
    private(set) var labelNames: [String] = []
    private var labelIndex: [String: Int] = [:]
    private(set) var trainLabels: [[Int]] = []
    private(set) var heldOutLabels: [[Int]] = []
    private(set) var heldOut = HashedCorpus()
    /// The first training document with no label: refused in single-label training.
    private(set) var firstUnlabeled: (file: String, line: Int)?
    /// The first document with no label or several: what makes the data multi-label.
    private(set) var multiLabelEvidence: (file: String, line: Int, labels: Int)?
    private(set) var invalidUTF8 = (documents: 0, first: "")
    private(set) var summary = LabeledDataReader.Summary()
    private(set) var unknownValidationLabels = Set<String>()

    /// Reads `data` (and `validation`, when given) into `builder` and the held-out corpus.
    /// `words`, when given, records the training text for word vectors until `options` says that a
    /// corpus of this size goes without them.
    static func read(_ data: LabeledDataReader, validation: LabeledDataReader?, into builder: VocabularyBuilder,
                     words: WordStream?, options: TrainingOptions, progress: (String) -> Void) throws -> LabeledCorpus {
        var corpus = LabeledCorpus()
        let useFraction = validation == nil
        var index = 0
        let summary = try data.forEach { record in
            if record.labels.count != 1 {
                if corpus.multiLabelEvidence == nil { corpus.multiLabelEvidence = (record.file, record.line, record.labels.count) }
                if record.labels.isEmpty && corpus.firstUnlabeled == nil { corpus.firstUnlabeled = (record.file, record.line) }
            }
            let labels = corpus.indices(record.labels)
            if useFraction && options.isHeldOut(index) {
                record.text.withUnsafeBytes { builder.addHeldOut($0, into: &corpus.heldOut) }
                corpus.heldOutLabels.append(labels)
            } else {
                record.text.withUnsafeBytes { builder.add($0) }
                corpus.trainLabels.append(labels)
            }
            if builder.invalidBytesInLastDocument > 0 {
                if corpus.invalidUTF8.documents == 0 {
                    corpus.invalidUTF8.first = record.line > 0 ? "\(record.file) line \(record.line)" : record.file
                }
                corpus.invalidUTF8.documents += 1
            }
            index += 1
            if let words, words.limit > 0 && options.leavesOutWordVectors(documents: builder.corpus.documentCount) {
                words.discard()
            }
            if index % 5000 == 0 { progress("read \(index) documents, \(builder.distinctTerms) distinct n-grams") }
        }
        corpus.summary = summary
        if corpus.invalidUTF8.documents > 0 {
            progress("note: \(counted(corpus.invalidUTF8.documents, "training document")) hold bytes that are not UTF-8 (first: \(corpus.invalidUTF8.first)); each such byte was read as a space. Convert the data first, e.g. iconv -f latin1 -t utf-8")
        }
        guard builder.corpus.documentCount > 0 else {
            throw LedeError.invalidData("no training documents found", file: data.path)
        }
        if let validation {
            try validation.forEach { record in
                let known = record.labels.compactMap { corpus.labelIndex[$0] }
                corpus.unknownValidationLabels.formUnion(record.labels.filter { corpus.labelIndex[$0] == nil })
                record.text.withUnsafeBytes { builder.addHeldOut($0, into: &corpus.heldOut) }
                corpus.heldOutLabels.append(known)
            }
        }
        if !corpus.unknownValidationLabels.isEmpty {
            progress("note: validation labels absent from the training data are ignored: \(corpus.unknownValidationLabels.sorted().joined(separator: ", "))")
        }
        return corpus
    }

    /// The indices of `names`, each once, new names indexed in order of first appearance.
    private mutating func indices(_ names: [String]) -> [Int] {
        Array(Set(names.map { name -> Int in
            if let i = labelIndex[name] { return i }
            labelIndex[name] = labelNames.count
            labelNames.append(name)
            return labelNames.count - 1
        }))
    }

    /// The labels in sorted order (so that the model does not depend on the order of the data), each
    /// document's label set in those indices, and the model type: `forcedMultiLabel` when given, else
    /// multi-label when any document has no label or several. Throws when the labels cannot train that
    /// type of model (`dataPath` names the data in the error).
    func labelPlan(forcedMultiLabel: Bool?, dataPath: String) throws -> LabelPlan {
        let multiLabel = forcedMultiLabel ?? (multiLabelEvidence != nil)
        if !multiLabel, let (file, line) = firstUnlabeled {
            throw LedeError.invalidData("a document without a label in single-label training; give it a label, or train with \(Parameter.multiLabel)", file: file, line: line)
        }
        if !multiLabel && multiLabelEvidence != nil {
            throw LedeError.invalidData("\(Parameter.singleLabel) was given but some documents carry several labels; drop the flag to train a multi-label model", file: dataPath)
        }
        guard !labelNames.isEmpty else {
            throw LedeError.invalidData("no document carries a label; every record needs at least one label (or some do, in multi-label data)", file: dataPath)
        }
        if !multiLabel && labelNames.count < 2 {
            throw LedeError.invalidData("only one label (\(labelNames[0])) in the data: a single-label classifier needs at least two; add documents of other labels", file: dataPath)
        }
        let sortedNames = labelNames.sorted()
        let sortedIndex = Dictionary(uniqueKeysWithValues: sortedNames.enumerated().map { ($1, $0) })
        let remap = labelNames.map { sortedIndex[$0]! }  // every name is in sortedNames
        return LabelPlan(names: sortedNames, multiLabel: multiLabel,
                         train: LabelSets(trainLabels.map { $0.map { remap[$0] } }),
                         heldOut: LabelSets(heldOutLabels.map { $0.map { remap[$0] } }))
    }
}

/// The labels a model is trained for: names in sorted order, the model type, and each training and
/// held-out document's label set as indices into `names`.
struct LabelPlan {
    var names: [String]
    var multiLabel: Bool
    var train: LabelSets
    var heldOut: LabelSets
    var count: Int { names.count }
}
