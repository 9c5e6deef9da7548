/// "1 document", "2 documents", "0 errors": a count with its noun in the right number.
public func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
}
