/// Every error Lede reports to a user: what went wrong, where (file and line when known), and how to fix it.
public struct LedeError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case invalidOption, invalidData, io, model, training
    }

    public let kind: Kind
    /// What went wrong, with references to `Parameter`s where it names one: `message` and `description`
    /// spell them with the API's names, `description(naming:)` with a front end's. Wrap an error's
    /// text in another error through this, so that its references stay.
    public let template: String
    public var file: String?
    public var line: Int?

    public init(_ kind: Kind, _ message: String, file: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.template = message
        self.file = file
        self.line = line
    }

    public static func invalidOption(_ message: String) -> LedeError { LedeError(.invalidOption, message) }
    public static func invalidData(_ message: String, file: String? = nil, line: Int? = nil) -> LedeError {
        LedeError(.invalidData, message, file: file, line: line)
    }
    public static func io(_ message: String, file: String? = nil) -> LedeError { LedeError(.io, message, file: file) }
    public static func model(_ message: String, file: String? = nil) -> LedeError { LedeError(.model, message, file: file) }

    /// What went wrong, parameters spelled with the API's names.
    public var message: String { ParameterNaming.api.render(template) }

    public var description: String { description(naming: .api) }

    /// `file:line: message`, parameters spelled by `naming`.
    public func description(naming: ParameterNaming) -> String {
        var place = ""
        if let file {
            place = line.map { "\(file):\($0): " } ?? "\(file): "
        }
        return place + naming.render(template)
    }
}
