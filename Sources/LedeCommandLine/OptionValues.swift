import ArgumentParser
import Lede

// The core's option types as command-line values: their raw values are what the options take, listed in
// `--help` and offered by the shell completions.

extension LossFunction: ExpressibleByArgument {}
extension NaiveBayesScaling: ExpressibleByArgument {}
extension WordVectorUse: ExpressibleByArgument {}
extension ClassWeighting: ExpressibleByArgument {}
extension VectorNorm: ExpressibleByArgument {}
extension LabeledDataFormat: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
extension RecordFormatter.Format: ExpressibleByArgument {}

extension DocumentFrequency: ExpressibleByArgument {
    /// A count (`2`) or a fraction (`0.01`, `1.0`).
    public init?(argument: String) { self.init(parsing: argument) }
}

extension NGramRange: ExpressibleByArgument {
    /// `N` or `MIN...MAX`.
    public init?(argument: String) { self.init(parsing: argument) }
}
