import ArgumentParser
import Lede
import LedeCommandLine

/// How to read labeled data: the options `train` and `count` share.
struct DataOptions: ParsableArguments {
    @Option(help: "Format of the data (default: detected from the name or first line).")
    var format: LabeledDataFormat?

    @Option(help: "CSV: name of the text column.")
    var textColumn: String = "text"

    @Option(help: "CSV: name of the label column (several labels joined by commas).")
    var labelColumn: String = "labels"

    @Flag(help: "Skip malformed records (counted and reported) instead of stopping at the first one.")
    var skipInvalid = false

    func reader(_ path: String) throws -> LabeledDataReader {
        var reader = try LabeledDataReader(path: path, format: format)
        reader.skipInvalid = skipInvalid
        reader.csvTextColumn = textColumn
        reader.csvLabelColumn = labelColumn
        return reader
    }
}
