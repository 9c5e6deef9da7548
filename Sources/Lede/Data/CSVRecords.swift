import Foundation

/// RFC 4180 CSV with a header row: fields separated by commas, optionally in double quotes, where a
/// quoted field may hold commas, newlines and doubled quotes (`""`). The text and label columns are found
/// by their header names.
struct CSVRecords {
    let path: String
    let textColumn: String
    let labelColumn: String
    let labelSeparator: Character

    func forEach(_ deliver: (Result<LabeledRecord, LedeError>) throws -> Void) throws {
        let reader = try LineReader(path: path, directoryHint: LabeledDataFormat.directoryHint)
        var header: [String]?
        var textIndex = 0, labelIndex = 0
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var inQuotes = false
        var recordLine = 0
        var pendingQuote = false  // a quote inside a quoted field: either the closing one or the first of ""
        while try reader.nextLine({ line -> Bool in
            if !inQuotes { recordLine = reader.lineNumber }
            else { field.append(0x0A) }
            for byte in line {
                if inQuotes {
                    if pendingQuote {
                        pendingQuote = false
                        if byte == 0x22 { field.append(0x22); continue }
                        inQuotes = false
                    } else if byte == 0x22 {
                        pendingQuote = true
                        continue
                    } else {
                        field.append(byte)
                        continue
                    }
                }
                if byte == 0x22 && field.isEmpty { inQuotes = true }
                else if byte == 0x2C { fields.append(field); field.removeAll(keepingCapacity: true) }
                else { field.append(byte) }
            }
            if pendingQuote { pendingQuote = false; inQuotes = false }
            return true
        }) ?? false {
            if inQuotes { continue }
            fields.append(field)
            field.removeAll(keepingCapacity: true)
            defer { fields.removeAll(keepingCapacity: true) }
            if header == nil {
                let names = fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
                guard let t = names.firstIndex(of: textColumn) else {
                    throw LedeError.invalidData("the CSV header has no column \"\(textColumn)\" (columns: \(names.joined(separator: ", "))); pass \(Parameter.textColumn)", file: path, line: recordLine)
                }
                guard let l = names.firstIndex(of: labelColumn) else {
                    throw LedeError.invalidData("the CSV header has no column \"\(labelColumn)\" (columns: \(names.joined(separator: ", "))); pass \(Parameter.labelColumn)", file: path, line: recordLine)
                }
                header = names
                textIndex = t
                labelIndex = l
                continue
            }
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            guard fields.count == header!.count else {
                try deliver(.failure(.invalidData("expected \(header!.count) fields as in the header, found \(fields.count)", file: path, line: recordLine)))
                continue
            }
            let labels = String(decoding: fields[labelIndex], as: UTF8.self)
                .split(separator: labelSeparator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try deliver(.success(LabeledRecord(id: nil, text: fields[textIndex], labels: labels, file: path, line: recordLine)))
        }
        if inQuotes {
            try deliver(.failure(.invalidData("a quoted field opened here is never closed", file: path, line: recordLine)))
        }
        if header == nil {
            throw LedeError.invalidData("empty CSV: expected a header row naming the \"\(textColumn)\" and \"\(labelColumn)\" columns", file: path)
        }
    }
}
