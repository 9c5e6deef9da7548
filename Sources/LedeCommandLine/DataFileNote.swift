/// Notes for data files given in files mode (the default), where each file is one document: a `.jsonl`,
/// `.tsv` or `.csv` file is almost always many documents, and classifying it whole gives one record that
/// silently stands for all of them. The note names the option that reads it line by line.
public enum DataFileNote {
    public static func notes(for inputs: [String]) -> [String] {
        inputs.compactMap { input in
            let name = input.lowercased()
            let lines = "is read as ONE document (files mode, the default)"
            let labeled = "a labeled file (labels, then text) is scored against its labels by 'lede-train evaluate MODEL \(input)'"
            if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") {
                return "\(input) \(lines); for one document per line pass --input-format jsonl; \(labeled)"
            }
            if name.hasSuffix(".tsv") {
                return "\(input) \(lines); for one document per line pass --input-format tsv (id<TAB>text); \(labeled)"
            }
            if name.hasSuffix(".csv") {
                return "\(input) \(lines); lede-classify reads no CSV: convert it to JSONL or TSV (id<TAB>text) and pass --input-format; \(labeled)"
            }
            return nil
        }
    }
}
