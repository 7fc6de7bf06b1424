import TLArray
import TLGraph
import TLLayers

extension NodeSpec {
  static let glueOps = ["slice", "repeat", "concat", "split", "sum"]
  static let fixedKeys = ["name", "type", "op", "in", "like", "sizes", "set_state", "stateful", "params"]
  static let extraInputNames = Array(Set(LayerRegistry.kinds.flatMap(\.inputNames))).sorted()

  /// The values a node produces: its name, or `NAME.i` per part of a split.
  var outputNames: [String] {
    if case .split(let sizes) = operation { return sizes.indices.map { "\(name).\($0)" } }
    return [name]
  }

  /// One entry of `graph`; `known` holds the values above it (inputs and earlier nodes).
  static func decode(_ value: JSONValue, file: String, path: String, known: Set<String>) throws(PipelineError)
    -> NodeSpec
  {
    let object = try JSONObjectReader(value, file: file, path: path)
    try object.rejectUnknownKeys(fixedKeys + extraInputNames + LayerRegistry.optionNames)
    guard let name = try object.string("name"), !name.isEmpty else {
      throw PipelineError(file: file, path: path, "missing required key \"name\" (the value it computes)")
    }
    func reference(_ text: String, _ key: String) throws(PipelineError) -> ValueReference {
      let parsed: ValueReference
      do { parsed = try ValueReference(parsing: text, path: object.childPath(key)) } catch {
        throw PipelineError(file: file, path: error.path, error.message)
      }
      guard known.contains(parsed.value) else {
        throw object.error(key, "unknown value '\(parsed.value)' (a node may read only inputs and nodes above it)")
      }
      return parsed
    }
    func references(_ key: String) throws(PipelineError) -> [ValueReference] {
      switch try object.required(key, "a value reference") {
      case .string(let text): return [try reference(text, key)]
      case .array(let items) where !items.isEmpty:
        return try items.enumerated().map { (index, item) throws(PipelineError) in
          guard case .string(let text) = item else { throw object.error("\(key)[\(index)]", "expected a string") }
          return try reference(text, "\(key)[\(index)]")
        }
      default: throw object.error(key, "expected a value reference or a non-empty list of them")
      }
    }
    let inputs = try references("in")
    var node = NodeSpec(
      name: name, jsonPath: path, operation: .slice, inputs: inputs, extraInputs: [], setState: [],
      stateful: try object.bool("stateful") ?? false, ties: [:], options: [:])
    switch (try object.string("type"), try object.string("op")) {
    case (.some, .some): throw object.error("op", "a node has \"type\" (a layer) or \"op\" (glue), not both")
    case (nil, nil): throw PipelineError(file: file, path: path, "missing \"type\" (a layer) or \"op\" (glue)")
    case (.some(let typeName), nil):
      guard let kind = LayerRegistry.kind(named: typeName) else {
        let names = LayerRegistry.kinds.map(\.typeName)
        throw object.error(
          "type",
          "unknown layer type \"\(typeName)\"\(NameSuggestion.hint(for: typeName, among: names)); expected one of: \(names.joined(separator: ", "))"
        )
      }
      guard inputs.count == 1 else { throw object.error("in", "a layer takes one value in \"in\"") }
      node.operation = .layer(kind)
      node.options = try LayerSpec.options(object, kind: kind)
      for input in extraInputNames where object.optional(input) != nil && !kind.inputNames.contains(input) {
        throw object.error(input, "\(typeName) takes no input \"\(input)\"")
      }
      for input in kind.inputNames {
        guard case .string(let text)? = object.optional(input) else {
          throw PipelineError(file: file, path: path, "\(typeName) needs \"\(input)\" (a value reference)")
        }
        node.extraInputs.append((input, try reference(text, input)))
      }
      node.setState = try decodeState(object, kind: kind, reference: reference)
      node.ties = try decodeTies(object, kind: kind)
      if node.stateful && kind.stateNames.isEmpty { throw object.error("stateful", "\(typeName) has no state") }
    case (nil, .some(let op)):
      for key in ["set_state", "stateful", "params"] + extraInputNames where object.optional(key) != nil {
        throw object.error(key, "only layer nodes take \"\(key)\"")
      }
      node.operation = try decodeGlue(op, object, inputs: inputs, reference: reference)
    }
    return node
  }

  private static func decodeGlue(
    _ op: String, _ object: JSONObjectReader, inputs: [ValueReference],
    reference: (String, String) throws(PipelineError) -> ValueReference
  ) throws(PipelineError) -> Operation {
    let single = { () throws(PipelineError) in
      guard inputs.count == 1 else { throw object.error("in", "\"\(op)\" takes one value") }
    }
    switch op {
    case "slice":
      try single()
      return .slice
    case "repeat":
      try single()
      guard let like = try object.string("like") else {
        throw object.error("like", "missing: the value whose T (axis 1) the repeat takes")
      }
      return .repeatOverTime(like: try reference(like, "like"))
    case "concat": return .concat
    case "sum": return .sum
    case "split":
      try single()
      guard case .array(let items)? = object.optional("sizes"), !items.isEmpty else {
        throw object.error("sizes", "expected a non-empty list of the parts' sizes on the last axis")
      }
      return .split(
        sizes: try items.map { item throws(PipelineError) in
          guard case .number(let text) = item, let size = Int(text), size > 0 else {
            throw object.error("sizes", "expected positive integers")
          }
          return size
        })
    default:
      throw object.error(
        "op",
        "unknown op \"\(op)\"\(NameSuggestion.hint(for: op, among: glueOps)); expected one of: \(glueOps.joined(separator: ", "))"
      )
    }
  }

  private static func decodeState(
    _ object: JSONObjectReader, kind: LayerKind, reference: (String, String) throws(PipelineError) -> ValueReference
  ) throws(PipelineError) -> [(name: String, reference: ValueReference)] {
    guard let value = object.optional("set_state") else { return [] }
    let state = try JSONObjectReader(value, file: object.file, path: object.childPath("set_state"))
    guard !kind.stateNames.isEmpty else { throw object.error("set_state", "\(kind.typeName) has no state") }
    try state.rejectUnknownKeys(kind.stateNames)
    guard state.optional("h") != nil else { throw state.error("h", "missing: set_state sets h (c is optional)") }
    return try state.members.map { member throws(PipelineError) in
      guard case .string(let text) = member.value else { throw state.error(member.key, "expected a value reference") }
      return (member.key, try reference(text, "set_state.\(member.key)"))
    }
  }

  private static func decodeTies(_ object: JSONObjectReader, kind: LayerKind) throws(PipelineError)
    -> [String: GraphNode.Tie]
  {
    guard let value = object.optional("params") else { return [:] }
    let params = try JSONObjectReader(value, file: object.file, path: object.childPath("params"))
    try params.rejectUnknownKeys(kind.paramNames)
    var ties: [String: GraphNode.Tie] = [:]
    for (key, entry) in params.members {
      if case .string(let source) = entry {
        ties[key] = GraphNode.Tie(source: source, transposed: false)
        continue
      }
      let tie = try JSONObjectReader(entry, file: object.file, path: params.childPath(key))
      try tie.rejectUnknownKeys(["tied", "transpose"])
      guard let source = try tie.string("tied") else { throw tie.error("tied", "missing: the other param's name") }
      ties[key] = GraphNode.Tie(source: source, transposed: try tie.bool("transpose") ?? false)
    }
    return ties
  }
}
