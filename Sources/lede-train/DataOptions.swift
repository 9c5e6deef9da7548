import ArgumentParser
import Lede

/// How to read labeled data: the options `train` and `count` share.
struct DataOptions: ParsableArguments {
    @Option(help: "Format of the data: jsonl, tsv, csv, fasttext or dir (default: detected from the name or first line).")
    var format: String?

    @Option(help: "CSV: name of the text column.")
    var textColumn: String = "text"

    @Option(help: "CSV: name of the label column (several labels joined by commas).")
    var labelColumn: String = "labels"

    @Flag(help: "Skip malformed records (counted and reported) instead of stopping at the first one.")
    var skipInvalid = false

    func validate() throws {
        if let format, LabeledDataFormat(rawValue: format) == nil {
            throw ValidationError("unknown --format '\(format)'; use one of \(LabeledDataFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func reader(_ path: String) throws -> LabeledDataReader {
        var reader = try LabeledDataReader(path: path, format: format.flatMap(LabeledDataFormat.init(rawValue:)))
        reader.skipInvalid = skipInvalid
        reader.csvTextColumn = textColumn
        reader.csvLabelColumn = labelColumn
        return reader
    }
}
