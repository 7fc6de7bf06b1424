import TLArray
import TLCompare
import TLDiagnosis
import TLGraph
import TLLayers

extension CaseDiagnosis {
  /// A version-2 graph as TLDiagnosis sees it (docs/pipeline.md §7): every node given the
  /// port's own values of what it reads (the reference's `VALUE`s; inputs are the run's own
  /// files) and the port's gradient of its output (`NODE.grad`; 1 for the loss), else tl-run's
  /// own where the reference lacks them (never under `--isolate`, which needs them all).
  ///
  /// A layer node is built as tl-run built it (params, options, a drawn dropout mask) with its
  /// extra inputs (`hs_enc`, `ts`) and its `set_state` h (and c) taken from the port's values.
  /// Besides its value `NODE`, `NODE.dx`, `NODE.dPARAM`, `NODE.h`/`.c`/`.mask`, it is judged on
  /// the gradients it sends into a value other than its `in` (a state edge's `dh`,
  /// TimeAttention's `dhs_enc`) where these can be read off the port's arrays: the port's
  /// gradient of that value less what every other reader sent into it (each layer's `NODE.dx`,
  /// each glue op's exact backward of its own `.grad`), when the node is the only reader whose
  /// share the port does not write.
  ///
  /// nil when there is no reference, or the run trains or generates; under `--isolate` those
  /// and a missing intermediate are errors naming the reference, before anything is written.
  static func graphInput(
    _ spec: PipelineSpec, _ run: GraphRun, _ reference: [(name: String, array: NDArray)]?,
    _ policy: TolerancePolicy, isolate: Bool
  ) throws(PipelineError) -> GraphDiagnosisInput? {
    func refuse(_ path: String, _ message: String) throws(PipelineError) -> GraphDiagnosisInput? {
      guard isolate else { return nil }
      throw PipelineError(file: spec.file, path: path, message)
    }
    guard let reference else {
      return try refuse("reference", "--isolate needs a \"reference\" holding the intermediates")
    }
    switch run.mode {
    case .generate:
      return try refuse("generate", "--isolate does not apply to \"generate\": the run writes only the sampled ids")
    case .train:
      return try refuse(
        "train",
        "--isolate takes a version-2 run without \"train\": the last step starts from params and carried states that are not among the port's results"
      )
    case .forward: break
    }
    guard let executor = run.executor else { return nil }
    let port = Dictionary(reference.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
    let graph = PortGraph(nodes: run.nodes, executor: executor, port: port, isolate: isolate)
    var checks: [GraphNodeCheck] = []
    for node in run.nodes {
      do {
        if let check = try graph.check(node) { checks.append(check) }
      } catch {
        throw PipelineError(file: spec.file, path: "reference", error.message)
      }
    }
    return GraphDiagnosisInput(nodes: checks, policy: policy)
  }
}

/// The port's values and gradients of a graph, tl-run's where the port lacks them (unless
/// isolating), and the checks of each node built from them.
///
/// Only port arrays that fit are fed to a layer or a glue op (``fed``): a value `VALUE`, a
/// gradient `VALUE.grad` and a layer's `NODE.dx` of exactly the shape of tl-run's own, in a
/// float dtype where tl-run's is one (else tl-run's dtype). One that does not fit (the
/// comparison has failed it already) leaves its readers unchecked: Glue's ops assume the
/// shapes the graph inferred, and are never given others.
private struct PortGraph {
  var nodes: [GraphNode]
  var executor: GraphExecutor
  /// Every array of the port, judged as it is (a judged array of another shape fails).
  var port: [String: NDArray]
  /// The port's arrays that fit tl-run's own, the only ones computed with.
  var fed: [String: NDArray]
  var isolate: Bool
  /// Every value a node computes (the rest are inputs, the run's own files).
  var produced: Set<String>

  init(nodes: [GraphNode], executor: GraphExecutor, port: [String: NDArray], isolate: Bool) {
    (self.nodes, self.executor, self.port, self.isolate) = (nodes, executor, port, isolate)
    produced = Set(nodes.flatMap(\.outputNames))
    fed = port.filter { name, array in
      Self.own(name, executor).map { Self.fits(array, $0) } ?? false
    }
  }

  /// tl-run's own array named as the port's `name`: a value, a value's gradient, a layer's dx.
  static func own(_ name: String, _ executor: GraphExecutor) -> NDArray? {
    if let value = executor.values[name] { return value }
    for (suffix, arrays) in [(".grad", executor.gradients), (".dx", executor.layerGradients)]
    where name.hasSuffix(suffix) {
      let base = String(name.dropLast(suffix.count))
      if let array = arrays[base] { return array }
      // The loss's gradient is 1 (0-d) where tl-run keeps none.
      if suffix == ".grad", base == executor.loss { return NDArray(scalar: 1.0) }
    }
    return nil
  }

  /// Whether the port's `array` may stand for tl-run's `own`: same shape, a float dtype where
  /// `own`'s is one, else `own`'s dtype.
  static func fits(_ array: NDArray, _ own: NDArray) -> Bool {
    array.shape == own.shape && (own.dtype.isFloatingPoint ? array.dtype.isFloatingPoint : array.dtype == own.dtype)
  }

  func missing(_ name: String, _ what: String) -> DiagnosisError {
    DiagnosisError(
      "--isolate needs the reference's intermediates: it holds no \"\(name)\", \(what) (write them with --intermediates)"
    )
  }

  /// The value `name`: an input as the run read it; a node's value as the port wrote it.
  func value(_ name: String, for node: GraphNode) throws(DiagnosisError) -> NDArray? {
    guard produced.contains(name) else { return executor.values[name] }
    if let array = fed[name] { return array }
    // The port's value does not fit tl-run's (another shape or dtype): its readers are unchecked.
    if port[name] != nil { return nil }
    if isolate { throw missing(name, "a value node \"\(node.name)\" reads") }
    return executor.values[name]
  }

  func read(_ reference: ValueReference, for node: GraphNode) throws(DiagnosisError) -> NDArray? {
    guard let whole = try value(reference.value, for: node) else { return nil }
    return try? reference.apply(whole, path: node.path)
  }

  /// The gradient of node `node`'s output, the port's `NODE.grad` (1 for the loss).
  func upstream(_ node: GraphNode) throws(DiagnosisError) -> NDArray? {
    if let array = fed["\(node.name).grad"] { return array }
    if port["\(node.name).grad"] != nil { return nil }
    if node.name == executor.loss { return NDArray(scalar: 1.0) }
    if isolate { throw missing("\(node.name).grad", "the upstream gradient of node \"\(node.name)\"") }
    return executor.gradients[node.name]
  }

  /// The port's gradient of a value (tl-run's where it lacks it and not isolating).
  func gradient(_ name: String) -> NDArray? {
    if let array = fed["\(name).grad"] { return array }
    return port["\(name).grad"] != nil || isolate ? nil : executor.gradients[name]
  }

  func check(_ node: GraphNode) throws(DiagnosisError) -> GraphNodeCheck? {
    switch node.operation {
    case .layer(let kind, _):
      guard var config = executor.configs[node.name], let input = try read(node.inputs[0], for: node),
        let upstream = try upstream(node)
      else { return nil }
      for (name, reference) in node.extraInputs {
        if let array = try read(reference, for: node) { config.inputs[name] = array }
      }
      if !node.setState.isEmpty {
        config.state = [:]
        for (name, reference) in node.setState {
          if let array = try read(reference, for: node) { config.state[name] = array }
        }
      }
      let layer = ChainLayer(name: node.name, kind: kind, config: config)
      return GraphNodeCheck(
        name: node.name, body: .layer(layer, input: input, upstream: upstream), port: layerArrays(node, kind))
    default:
      return try glueCheck(node)
    }
  }

  /// The port's arrays of a layer node by local name.
  func layerArrays(_ node: GraphNode, _ kind: LayerKind) -> [String: JudgedArray] {
    var arrays: [String: JudgedArray] = [:]
    let out = port[node.name] ?? (node.name == executor.loss ? port["out"] : nil)
    if let out { arrays["out"] = JudgedArray(name: port[node.name] == nil ? "out" : node.name, array: out) }
    var locals = ["dx", "h", "c", "mask"] + kind.paramNames.map { "d\($0)" }
    locals.removeAll { port["\(node.name).\($0)"] == nil }
    for key in locals {
      if let array = port["\(node.name).\(key)"] {
        arrays[key] = JudgedArray(name: "\(node.name).\(key)", array: array)
      }
    }
    let edges =
      node.extraInputs.map { ("d\($0.name)", $0.reference) }
      + node.setState.filter { $0.name == "h" }.map {
        ("dh", $0.reference)
      }
    for (key, reference) in edges {
      if let (share, slack) = share(of: node, through: reference) {
        arrays[key] = JudgedArray(
          name: "\(node.name).\(key)", array: share, toleranceName: "\(reference.value).grad", atolSlack: slack)
      }
    }
    return arrays
  }

  /// What `node` sent into `reference`'s value, read off the port: the value's gradient less
  /// every other reader's share, when every other share is known (a layer's `in` through its
  /// `NODE.dx`, a glue op through its own gradient); nil otherwise. With it, the rounding it
  /// may carry: one unit in the last place of the gradient's dtype at its largest element per
  /// term of the port's sum.
  func share(of node: GraphNode, through reference: ValueReference) -> (NDArray, Double)? {
    guard let total = fed["\(reference.value).grad"], total.dtype.isFloatingPoint else { return nil }
    var rest = total.astype(.float64).scalars(as: Double.self)
    var terms = 1
    for reader in nodes {
      for (key, read) in reader.references where read.value == reference.value {
        if reader.name == node.name, read == reference, key != "in" { continue }
        guard let known = knownShare(reader, key: key, read), known.count == rest.count else { return nil }
        for i in rest.indices { rest[i] -= known[i] }
        terms += 1
      }
    }
    let largest = total.astype(.float64).scalars(as: Double.self).reduce(0) { max($0, abs($1)) }
    let ulp = total.dtype == .float64 ? 0x1p-52 : total.dtype == .float32 ? 0x1p-23 : 0x1p-10
    guard let part = try? reference.apply(NDArray(shape: total.shape, scalars: rest), path: node.path) else {
      return nil
    }
    return (part.astype(total.dtype), Double(terms) * ulp * largest)
  }

  /// The share of a value's gradient that `reader` sent through `read` (its JSON key `key`),
  /// scattered into the value's shape, as Doubles; nil when the port does not show it.
  func knownShare(_ reader: GraphNode, key: String, _ read: ValueReference) -> [Double]? {
    guard let shape = executor.values[read.value]?.shape else { return nil }
    let part: NDArray?
    switch reader.operation {
    case .layer:
      let zeros = [Double](repeating: 0, count: Shape.count(shape))
      guard key == "in" else {
        // A share the graph never sends (set_state c; an extra input without a gradient, ts) is
        // zero; one it sends (dh, dhs_enc) the port does not write.
        let sent = executor.layers[reader.name]?.extraOutputs.map(\.name) ?? []
        let name = key == "set_state.h" ? "dh" : key.hasPrefix("set_state.") ? "" : "d\(key)"
        return sent.contains(name) ? nil : zeros
      }
      // Only the `in` of a layer shows in the port's arrays, as NODE.dx (none: ids, no share).
      guard let dx = fed["\(reader.name).dx"] else { return port["\(reader.name).dx"] == nil ? zeros : nil }
      part = dx
    case .repeatOverTime:
      if key == "like" { return [Double](repeating: 0, count: Shape.count(shape)) }
      part = gradient(reader.name).map(Glue.sumOverTime)
    case .slice, .sum:
      part = gradient(reader.name)
    case .concat:
      guard let dout = gradient(reader.name), let index = reader.inputs.firstIndex(of: read),
        let sizes = try? reader.inputs.map({ ref in
          try executor.values[ref.value].map { try ref.apply($0, path: reader.path).shape.last ?? 1 } ?? 0
        })
      else { return nil }
      part = Glue.split(dout, sizes: sizes)[index]
    case .split(let sizes):
      let douts = reader.outputNames.map(gradient)
      guard let dtype = douts.compactMap({ $0?.dtype }).first else { return nil }
      let lead = Array(shape.dropLast())
      part = Glue.concatenate(zip(douts, sizes).map { $0 ?? NDArray(zeros: dtype, shape: lead + [$1]) })
    }
    guard let part, let scattered = try? read.scatter(part, into: shape, path: reader.path) else { return nil }
    return scattered.astype(.float64).scalars(as: Double.self)
  }

  /// A glue op's value recomputed from the port's values it reads, and the port's value.
  func glueCheck(_ node: GraphNode) throws(DiagnosisError) -> GraphNodeCheck? {
    var parts: [(reference: String, array: NDArray)] = []
    for reference in node.inputs {
      guard let array = try read(reference, for: node) else { return nil }
      parts.append((reference.description, array))
    }
    let arrays = parts.map(\.array)
    let value: NDArray
    let op: String
    var expected = port[node.name].map { JudgedArray(name: node.name, array: $0) }
    switch node.operation {
    case .layer: return nil
    case .slice: (op, value) = ("slice", arrays[0])
    case .repeatOverTime(let like):
      guard let t = try read(like, for: node)?.shape[1] else { return nil }
      (op, value) = ("repeat", Glue.repeatOverTime(arrays[0], t: t))
    case .concat: (op, value) = ("concat", Glue.concatenate(arrays))
    case .sum: (op, value) = ("sum", arrays.dropFirst().reduce(arrays[0]) { Glue.add($0, $1) })
    case .split:
      // Judged as one array: the port's parts joined again against the value it split.
      let names = node.outputNames
      let split = names.compactMap { fed[$0] }
      expected =
        split.count == names.count
        ? JudgedArray(name: names.joined(separator: "+"), array: Glue.concatenate(split), toleranceName: names[0]) : nil
      (op, value) = ("split", arrays[0])
    }
    return GraphNodeCheck(
      name: node.name, body: .glue(op: op, value: value, parts: op == "concat" ? parts : []),
      port: expected.map { ["out": $0] } ?? [:])
  }
}
