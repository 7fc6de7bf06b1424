import TLArray
import TLLayers

extension LayerSpec {
  /// Every key a layer entry may have: the fixed ones, then every option some kind declares.
  static let keys = ["type", "name", "params", "inputs", "state"] + LayerRegistry.optionNames

  /// One entry of `layers`: its type must exist, its params, inputs and state must be exactly
  /// the ones that type takes.
  static func decode(_ value: JSONValue, file: String, path: String) throws(PipelineError) -> LayerSpec {
    let object = try JSONObjectReader(value, file: file, path: path)
    try object.rejectUnknownKeys(keys)
    guard let typeName = try object.string("type") else {
      throw PipelineError(file: file, path: path, "missing required key \"type\" (the book's class name)")
    }
    guard let kind = LayerRegistry.kind(named: typeName) else {
      throw object.error(
        "type",
        "unknown layer type \"\(typeName)\"\(NameSuggestion.hint(for: typeName, among: LayerRegistry.kinds.map(\.typeName))); expected one of: \(LayerRegistry.kinds.map(\.typeName).joined(separator: ", "))"
      )
    }
    let options = try options(object, kind: kind)
    var given = LayerOptions()
    for case (let key, .value(let value)) in options { given[key] = value }
    return LayerSpec(
      name: try object.string("name") ?? "",
      kind: kind,
      params: try sources(
        object, "params", exactly: kind.paramNames(for: given), kind: kind, choices: choices(given, kind)),
      inputs: try sources(object, "inputs", exactly: kind.inputNames, kind: kind),
      state: try sources(object, "state", allowed: kind.stateNames, kind: kind),
      options: options,
      jsonPath: path)
  }

  /// The options `kind` declares, each decoded by its declared kind and checked by its own rule;
  /// an option that only other kinds declare is refused, naming them.
  static func options(_ object: JSONObjectReader, kind: LayerKind) throws(PipelineError)
    -> [String: LayerOptionSpec]
  {
    let declared = Set(kind.options.map(\.name))
    if let key = LayerRegistry.optionNames.first(where: { !declared.contains($0) && object.optional($0) != nil }) {
      let takers = LayerRegistry.kinds(takingOption: key)
      let names = takers.dropLast().joined(separator: ", ") + (takers.count > 1 ? " and " : "") + (takers.last ?? "")
      throw object.error(key, "only \(names) take\(takers.count == 1 ? "s" : "") \"\(key)\"")
    }
    var result: [String: LayerOptionSpec] = [:]
    for option in kind.options {
      guard let decoded = try decode(option, object) else { continue }
      if case .value(let given) = decoded, let message = option.validate(given) {
        throw object.error(option.name, message)
      }
      result[option.name] = decoded
    }
    return result
  }

  /// One option's JSON value by its declared kind, or nil when it is not given.
  private static func decode(_ option: LayerOption, _ object: JSONObjectReader) throws(PipelineError)
    -> LayerOptionSpec?
  {
    let key = option.name
    guard let value = object.optional(key) else { return nil }
    switch option.kind {
    case .number: return try object.double(key).map { .value(.number($0)) }
    case .bool: return try object.bool(key).map { .value(.bool($0)) }
    case .integer(let range, let note):
      guard value.isIntegerLiteral, case .number(let text) = value, let integer = Int64(text), range.contains(integer)
      else {
        let why = note.isEmpty ? "" : ", \(note)"
        throw object.error(key, "expected an integer in [\(range.lowerBound), \(range.upperBound)]\(why)")
      }
      return .value(.integer(integer))
    case .array:
      return .source(try SourceSpec.decode(value, file: object.file, path: object.childPath(key)))
    case .choice(let choices):
      guard case .string(let text) = value, choices.contains(text) else {
        let got: String
        if case .string(let text) = value { got = "\"\(text)\"" } else { got = value.kindName }
        throw object.error(key, "expected one of: \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \(got)")
      }
      return .value(.string(text))
    }
  }

  /// The choice options given, as a message spells them: ` with "layout": "pytorch"`; empty
  /// when none is given.
  private static func choices(_ given: LayerOptions, _ kind: LayerKind) -> String {
    let spelled = kind.options.compactMap { option -> String? in
      guard case .choice = option.kind, case .string(let text)? = given[option.name] else { return nil }
      return "\"\(option.name)\": \"\(text)\""
    }
    return spelled.isEmpty ? "" : " with " + spelled.joined(separator: ", ")
  }

  /// A map of name → array source where every name in `exactly` must appear.
  /// `choices` spells the options that chose the names (` with "layout": "pytorch"`).
  private static func sources(
    _ object: JSONObjectReader, _ key: String, exactly required: [String], kind: LayerKind, choices: String = ""
  ) throws(PipelineError) -> [String: SourceSpec] {
    let found = try sources(object, key, allowed: required, kind: kind, choices: choices)
    if let missing = required.first(where: { found[$0] == nil }) {
      let what = key == "params" ? "param" : "input"
      throw PipelineError(
        file: object.file, path: object.childPath(key),
        "missing \(what) \"\(missing)\" (\(kind.typeName)\(choices) takes \(required.joined(separator: ", ")))")
    }
    return found
  }

  private static func sources(
    _ object: JSONObjectReader, _ key: String, allowed: [String], kind: LayerKind, choices: String = ""
  ) throws(PipelineError) -> [String: SourceSpec] {
    guard let value = object.optional(key) else { return [:] }
    if allowed.isEmpty {
      throw object.error(key, "\(kind.typeName) takes no \(key)")
    }
    let members = try JSONObjectReader(value, file: object.file, path: object.childPath(key))
    var result: [String: SourceSpec] = [:]
    for (name, entry) in members.members {
      guard allowed.contains(name) else {
        throw PipelineError(
          file: object.file, path: members.childPath(name),
          "\(kind.typeName)\(choices) has no \(key) entry \"\(name)\"\(NameSuggestion.hint(for: name, among: allowed)); expected: \(allowed.joined(separator: ", "))"
        )
      }
      result[name] = try SourceSpec.decode(entry, file: object.file, path: members.childPath(name))
    }
    return result
  }
}

/// Layer names: given ones are checked, missing ones default to the type in snake case.
enum LayerNames {
  static func assign(_ layers: inout [LayerSpec], file: String) throws(PipelineError) {
    var used = Set<String>()
    for layer in layers where !layer.name.isEmpty {
      guard isIdentifier(layer.name) else {
        throw PipelineError(
          file: file, path: "\(layer.jsonPath).name", "\"\(layer.name)\" is not a valid name ([A-Za-z_][A-Za-z0-9_]*)")
      }
      guard used.insert(layer.name).inserted else {
        throw PipelineError(
          file: file, path: "\(layer.jsonPath).name", "the name \"\(layer.name)\" is used by another layer")
      }
    }
    var counts: [String: Int] = [:]
    for index in layers.indices where layers[index].name.isEmpty {
      let base = snakeCase(layers[index].kind.typeName)
      var candidate = ""
      repeat {
        counts[base, default: 0] += 1
        let n = counts[base, default: 1]
        candidate = n == 1 ? base : "\(base)_\(n)"
      } while used.contains(candidate)
      used.insert(candidate)
      layers[index].name = candidate
    }
  }

  static func isIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
      return false
    }
    return name.unicodeScalars.allSatisfy {
      $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
    }
  }

  /// `TimeLSTM` → `time_lstm`, `TimeSoftmaxWithLoss` → `time_softmax_with_loss`.
  static func snakeCase(_ typeName: String) -> String {
    let chars = Array(typeName)
    var result = ""
    for (i, c) in chars.enumerated() {
      if c.isUppercase, i > 0 {
        let previousLower = chars[i - 1].isLowercase
        let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
        if previousLower || (chars[i - 1].isUppercase && nextLower) { result.append("_") }
      }
      result.append(contentsOf: c.lowercased())
    }
    return result
  }
}
