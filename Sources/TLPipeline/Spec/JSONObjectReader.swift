import TLArray

/// Reads one JSON object of a pipeline file by key, remembering its JSON path, so every
/// fault names where it is: `layers[1].params: unknown key "Wz"`.
struct JSONObjectReader {
  let file: String
  let path: String
  let members: [(key: String, value: JSONValue)]

  init(_ value: JSONValue, file: String, path: String) throws(PipelineError) {
    guard case .object(let members) = value else {
      throw PipelineError(file: file, path: path, "expected an object, got \(value.kindName)")
    }
    var seen = Set<String>()
    for member in members where !seen.insert(member.key).inserted {
      throw PipelineError(file: file, path: path, "key \"\(member.key)\" appears twice")
    }
    self.file = file
    self.path = path
    self.members = members
  }

  var keys: [String] { members.map(\.key) }

  /// The JSON path of a member: `layers[1].params` + `W`.
  func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  func error(_ key: String, _ message: String) -> PipelineError {
    PipelineError(file: file, path: childPath(key), message)
  }

  func optional(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

  func required(_ key: String, _ what: String) throws(PipelineError) -> JSONValue {
    guard let value = optional(key) else {
      throw PipelineError(file: file, path: path, "missing required key \"\(key)\" (\(what))")
    }
    return value
  }

  /// Refuses any key not in `allowed`, naming the keys that are.
  func rejectUnknownKeys(_ allowed: [String]) throws(PipelineError) {
    for key in keys where !allowed.contains(key) {
      throw PipelineError(
        file: file, path: path,
        "unknown key \"\(key)\"\(NameSuggestion.hint(for: key, among: allowed)); expected one of: \(allowed.joined(separator: ", "))"
      )
    }
  }

  func string(_ key: String) throws(PipelineError) -> String? {
    guard let value = optional(key) else { return nil }
    guard case .string(let text) = value else { throw error(key, "expected a string, got \(value.kindName)") }
    return text
  }

  func bool(_ key: String) throws(PipelineError) -> Bool? {
    guard let value = optional(key) else { return nil }
    guard case .bool(let flag) = value else { throw error(key, "expected true or false, got \(value.kindName)") }
    return flag
  }

  /// A finite number (rtol, atol, ratio, lr); a JSON number beyond a double's range (`1e400`)
  /// is refused as out of range, not rounded to infinity.
  func double(_ key: String) throws(PipelineError) -> Double? {
    guard let value = optional(key) else { return nil }
    guard case .number(let text) = value else { throw error(key, "expected a number, got \(value.kindName)") }
    guard let number = Double(text), number.isFinite else {
      throw error(
        key, "\(text) is out of range: it overflows a double (largest magnitude \(Double.greatestFiniteMagnitude))")
    }
    return number
  }
}
