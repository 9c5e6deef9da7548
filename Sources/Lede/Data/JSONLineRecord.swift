import Foundation

/// One line of a JSONL input, as both readers take it (`LabeledDataReader`, `lede-classify`'s jsonl
/// format): `{"text": "...", "id": "..." or a number, "labels": ["a", ...] or "label": "a"}`, other keys
/// ignored.
struct JSONLineRecord: Decodable {
    var text: String
    /// A string id as it is; a number as it is written when it is an integer (`7`), else as Swift writes
    /// the Double (`1.5`, `1.0`, `1e+20`); nil when absent or null. A failure when it is anything else:
    /// reported by the caller after its own checks of the line.
    var id: Result<String?, Problem>
    /// nil when the line has neither "labels" nor "label", or when they are not read.
    var labels: [String]?

    /// Why a line is not such a record: the message of its error record.
    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private enum Key: String, CodingKey { case text, id, labels, label }
    fileprivate static let readsLabels = CodingUserInfoKey(rawValue: "readsLabels")!

    init(from decoder: Decoder) throws {
        let record = try decoder.container(keyedBy: Key.self)
        guard record.contains(.text) else { throw Problem("missing \"text\"") }
        guard let text = try Self.value(String.self, of: .text, in: record) else { throw Problem("\"text\" must be a string") }
        self.text = text
        if decoder.userInfo[Self.readsLabels] as? Bool != true {
            labels = nil
        } else if record.contains(.labels), let list = try Self.value([String?].self, of: .labels, in: record) {
            guard list.allSatisfy({ $0 != nil }) else { throw Problem("\"labels\" must be a list of strings") }
            labels = list.compactMap { $0 }
        } else if (try? record.nestedUnkeyedContainer(forKey: .labels)) != nil {  // a list of other values
            throw Problem("\"labels\" must be a list of strings")
        } else if record.contains(.label), let label = try Self.value(String.self, of: .label, in: record) {
            labels = [label]
        } else if !record.contains(.labels) && !record.contains(.label) {
            labels = nil
        } else {
            throw Problem("\"labels\" must be a list of strings and \"label\" a string")
        }
        id = try Self.id(in: record)
    }

    private static func id(in record: KeyedDecodingContainer<Key>) throws -> Result<String?, Problem> {
        guard record.contains(.id), try !record.decodeNil(forKey: .id) else { return .success(nil) }
        if let string = try value(String.self, of: .id, in: record) { return .success(string) }
        // A number that does not fit a type is reported as corrupt data, not as another type: try each.
        if (try? record.decode(Bool.self, forKey: .id)) == nil {
            if let integer = try? record.decode(Int64.self, forKey: .id) { return .success(String(integer)) }
            if let integer = try? record.decode(UInt64.self, forKey: .id) { return .success(String(integer)) }
            if let number = try? record.decode(Double.self, forKey: .id) { return .success("\(number)") }
        }
        return .failure(Problem("\"id\" must be a string or a number"))
    }

    /// The value of `key` as a `T`, nil when it is of another type (or null); what is not JSON (bytes that
    /// are not UTF-8 inside a string) is thrown, for the caller's message about invalid JSON.
    private static func value<T: Decodable>(_ type: T.Type, of key: Key, in record: KeyedDecodingContainer<Key>) throws -> T? {
        do {
            return try record.decode(type, forKey: key)
        } catch DecodingError.typeMismatch, DecodingError.valueNotFound {
            return nil
        }
    }
}

/// Decodes lines into `JSONLineRecord`s, with one `JSONDecoder` for all of them: one per reader or thread.
final class JSONLineDecoder {
    private let decoder = JSONDecoder()
    private let invalidJSON: String

    /// Reads the labels only when `readingLabels` (scoring ignores them); `invalidJSON` is the message for
    /// a line that is not JSON (or not UTF-8) at all.
    init(readingLabels: Bool, invalidJSON: String) {
        decoder.userInfo[JSONLineRecord.readsLabels] = readingLabels
        self.invalidJSON = invalidJSON
    }

    func decode(_ line: UnsafeRawBufferPointer) -> Result<JSONLineRecord, JSONLineRecord.Problem> {
        do {
            return .success(try decoder.decode(JSONLineRecord.self, from: Data(line)))
        } catch let problem as JSONLineRecord.Problem {
            return .failure(problem)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            return .failure(JSONLineRecord.Problem("expected a JSON object per line"))
        } catch {
            return .failure(JSONLineRecord.Problem(invalidJSON))
        }
    }
}
