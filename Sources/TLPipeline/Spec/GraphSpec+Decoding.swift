import TLArray
import TLGraph
import TLLayers

extension GraphSpec {
  static let topLevelKeys = [
    "version", "name", "inputs", "params", "model", "graph", "loss", "dropout_ratio", "train_flg", "seed", "train",
    "generate", "outputs", "reference", "tolerance",
  ]

  /// Decodes the version-2 keys of `object` (pipeline.md §6): every fault names its JSON path.
  static func decode(_ object: JSONObjectReader) throws(PipelineError) -> GraphSpec {
    try object.rejectUnknownKeys(topLevelKeys)
    let inputs = try decodeInputs(object)
    let body: Body
    switch (object.optional("model"), object.optional("graph")) {
    case (.some, .some): throw object.error("graph", "give either \"model\" or \"graph\", not both")
    case (nil, nil):
      throw PipelineError(file: object.file, path: "", "missing \"model\" (a book model by name) or \"graph\" (nodes)")
    case (.some, nil):
      let name = try object.string("model")
      guard let name, let model = BookModel(rawValue: name) else {
        let names = BookModel.allCases.map(\.rawValue)
        let hint = name.map { " \"\($0)\"\(NameSuggestion.hint(for: $0, among: names))" } ?? ""
        throw object.error("model", "unknown model\(hint); expected one of: \(names.joined(separator: ", "))")
      }
      if object.optional("loss") != nil { throw object.error("loss", "only a graph names its loss") }
      body = .model(model)
    case (nil, .some(let value)):
      body = try decodeGraph(value, object: object, inputs: inputs.map(\.name))
    }
    try checkDropoutKeys(object, body: body)
    let seed = try object.double("seed")
    if let seed, seed != seed.rounded() || seed < 0 || seed >= 4_294_967_296 {
      throw object.error("seed", "expected an integer in 0 ..< 2**32, as np.random.seed takes")
    }
    return GraphSpec(
      inputs: inputs, params: try decodeParams(object), body: body, dropoutRatio: try object.double("dropout_ratio"),
      trainFlag: try object.bool("train_flg"), seed: seed.map { Int($0) },
      train: try decodeTrain(object, inputs: inputs), generate: try decodeGenerate(object, body: body))
  }

  /// `train: {"steps": K, "optimizer": {"type": …, arguments}, "max_grad": m}`; with it every
  /// input is a list of K sources, without it one source.
  private static func decodeTrain(_ object: JSONObjectReader, inputs: [(name: String, sources: [SourceSpec])])
    throws(PipelineError) -> TrainSpec?
  {
    guard let value = object.optional("train") else {
      if let list = inputs.first(where: { $0.sources.count != 1 }) {
        throw object.error("inputs.\(list.name)", "a list of sources is for \"train\" (one batch per step)")
      }
      return nil
    }
    let train = try JSONObjectReader(value, file: object.file, path: "train")
    try train.rejectUnknownKeys(["steps", "optimizer", "max_grad"])
    guard case .number(let text) = try train.required("steps", "how many steps"), let steps = Int(text), steps > 0
    else {
      throw train.error("steps", "expected a positive integer")
    }
    for (name, sources) in inputs where sources.count != steps {
      throw object.error("inputs.\(name)", "expected a list of \(steps) sources, one batch per step")
    }
    let optimizer = try JSONObjectReader(
      try train.required("optimizer", "type and arguments"), file: object.file, path: "train.optimizer")
    // Every optimizer's arguments, each once, in the order the book's classes give them.
    let names = Optimizer.Kind.allCases.flatMap(\.argumentNames).reduce(into: [String]()) { names, name in
      if !names.contains(name) { names.append(name) }
    }
    try optimizer.rejectUnknownKeys(["type"] + names)
    _ = try optimizer.required("type", Optimizer.Kind.allCases.map(\.rawValue).joined(separator: ", "))
    guard let typeName = try optimizer.string("type"), let kind = Optimizer.Kind(rawValue: typeName) else {
      let names = Optimizer.Kind.allCases.map(\.rawValue)
      let hint = (try? optimizer.string("type")).map { " \"\($0)\"\(NameSuggestion.hint(for: $0, among: names))" } ?? ""
      throw optimizer.error("type", "unknown optimizer\(hint); expected one of: \(names.joined(separator: ", "))")
    }
    let taken = kind.argumentNames
    if let other = names.first(where: { !taken.contains($0) && optimizer.optional($0) != nil }) {
      throw optimizer.error(
        other, "\(kind.rawValue) takes no \"\(other)\" (its arguments: \(taken.joined(separator: ", ")))")
    }
    var arguments: [String: Double] = [:]
    for name in taken { arguments[name] = try optimizer.double(name) }
    return TrainSpec(steps: steps, optimizer: kind, arguments: arguments, maxGrad: try train.double("max_grad"))
  }

  /// `dropout_ratio` and `train_flg` are BetterRnnlm's (the book's `BetterRnnlm(…,
  /// dropout_ratio)` and its `forward(xs, ts, train_flg)`): any other model has no dropout (the
  /// book's `Rnnlm(…, dropout_ratio=…)` is a TypeError), and a graph's Dropout and TimeDropout
  /// nodes take their own `ratio` and `train`. Given elsewhere they would be ignored.
  private static func checkDropoutKeys(_ object: JSONObjectReader, body: Body) throws(PipelineError) {
    for key in ["dropout_ratio", "train_flg"] where object.optional(key) != nil {
      switch body {
      case .model(.betterRnnlm):
        // Checked here, at its key, rather than by the TimeDropout nodes the model makes of it.
        if key == "dropout_ratio", let ratio = try object.double(key), !(ratio >= 0 && ratio < 1) {
          throw object.error(key, "expected a ratio in [0, 1), got \(ratio)")
        }
      case .model(let model):
        throw object.error(key, "only BetterRnnlm takes \"\(key)\"; \(model.rawValue) has no dropout")
      case .graph(_, _):
        throw object.error(
          key,
          "only the model BetterRnnlm takes \"\(key)\"; a graph's Dropout and TimeDropout nodes take their own"
            + " \"ratio\" and \"train\"")
      }
    }
  }

  /// The longest greedy generation a pipeline may ask for: the book's tasks sample a few dozen
  /// ids, and a bound keeps a mistyped `sample_size` from running without end.
  static let maximumSampleSize = 100_000

  /// `generate: {"start_id": S, "sample_size": K}`, for the seq2seq models only; K at most
  /// `maximumSampleSize`.
  private static func decodeGenerate(_ object: JSONObjectReader, body: Body) throws(PipelineError)
    -> (startID: Int64, sampleSize: Int)?
  {
    guard let value = object.optional("generate") else { return nil }
    guard case .model(let model) = body, [.seq2seq, .peekySeq2seq, .attentionSeq2seq].contains(model) else {
      throw object.error("generate", "only the seq2seq models (Seq2seq, PeekySeq2seq, AttentionSeq2seq) generate")
    }
    let generate = try JSONObjectReader(value, file: object.file, path: "generate")
    try generate.rejectUnknownKeys(["start_id", "sample_size"])
    func integer(_ key: String, _ what: String) throws(PipelineError) -> Int {
      guard case .number(let text) = try generate.required(key, what), let number = Int(text), number >= 0 else {
        throw generate.error(key, "expected a non-negative integer (\(what))")
      }
      return number
    }
    let sampleSize = try integer("sample_size", "how many ids")
    guard sampleSize <= maximumSampleSize else {
      throw generate.error(
        "sample_size", "\(sampleSize) is more than tl-run generates (at most \(maximumSampleSize) ids)")
    }
    return (Int64(try integer("start_id", "the first id fed to the decoder")), sampleSize)
  }

  private static func decodeInputs(_ object: JSONObjectReader) throws(PipelineError)
    -> [(name: String, sources: [SourceSpec])]
  {
    let inputs = try JSONObjectReader(
      try object.required("inputs", "named arrays: xs, ts"), file: object.file, path: "inputs")
    guard !inputs.members.isEmpty else { throw object.error("inputs", "must name at least one array") }
    return try inputs.members.map { member throws(PipelineError) in
      let path = inputs.childPath(member.key)
      guard case .array(let list) = member.value else {
        return (member.key, [try SourceSpec.decode(member.value, file: object.file, path: path)])
      }
      guard !list.isEmpty else { throw inputs.error(member.key, "a list of sources must not be empty") }
      return (
        member.key,
        try list.enumerated().map { (index, item) throws(PipelineError) in
          try SourceSpec.decode(item, file: object.file, path: "\(path)[\(index)]")
        }
      )
    }
  }

  private static func decodeParams(_ object: JSONObjectReader) throws(PipelineError) -> ParamsSpec {
    let value = try object.required("params", "a collection of every param, or name → source")
    if case .string(let text) = value {
      guard !text.isEmpty else { throw object.error("params", "must not be empty") }
      return .collection(text, jsonPath: "params")
    }
    let params = try JSONObjectReader(value, file: object.file, path: "params")
    return .arrays(
      try params.members.map { member throws(PipelineError) in
        (member.key, try SourceSpec.decode(member.value, file: object.file, path: params.childPath(member.key)))
      })
  }

  private static func decodeGraph(_ value: JSONValue, object: JSONObjectReader, inputs: [String])
    throws(PipelineError) -> Body
  {
    guard case .array(let entries) = value, !entries.isEmpty else {
      throw object.error("graph", "expected a non-empty list of nodes")
    }
    var known = Set(inputs)
    var nodes: [NodeSpec] = []
    for (index, entry) in entries.enumerated() {
      let node = try NodeSpec.decode(entry, file: object.file, path: "graph[\(index)]", known: known)
      for name in Set([node.name] + node.outputNames).sorted() where !known.insert(name).inserted {
        throw PipelineError(file: object.file, path: "graph[\(index)].name", "the value \"\(name)\" exists already")
      }
      nodes.append(node)
    }
    guard let loss = try object.string("loss") else {
      throw PipelineError(file: object.file, path: "", "missing required key \"loss\" (the loss node's name)")
    }
    guard let last = nodes.first(where: { $0.name == loss }), case .layer(let kind) = last.operation, kind.isLoss else {
      throw object.error("loss", "\"\(loss)\" names no loss layer of the graph")
    }
    return .graph(nodes, loss: loss)
  }
}
