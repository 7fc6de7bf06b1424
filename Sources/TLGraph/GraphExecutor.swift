import TLArray
import TLLayers

/// Runs a graph (pipeline.md §6.1) forward in node order and backward in reverse, adding each
/// node's input gradients into the gradients of the values it read (fan-out sums, state edges,
/// zero-padded time slices). Layers are built at each forward from the node's params, its extra
/// inputs and its state (`set_state`, or the carried state of a stateful layer), as the book
/// calls `set_state` and then `forward`.
public final class GraphExecutor {
  /// The graph's nodes with their current params (a transposed tie set by ``setParams(_:)`` is
  /// materialised here, at the first read after it).
  public var nodes: [GraphNode] {
    materialiseTies()
    return storedNodes
  }
  private var storedNodes: [GraphNode]
  /// Transposed ties ``setParams(_:)`` has not transposed yet: node index, param key, source.
  /// A run whose last step needs only the untied params never pays for the transpose.
  private var pendingTies: [(index: Int, key: String, source: NDArray)] = []
  /// The node whose 0-d output is the loss; backward starts there with dout = 1.
  public let loss: String
  /// Every value after the last forward: the inputs and each node's outputs.
  public private(set) var values: [String: NDArray] = [:]
  /// Every value's gradient after the last backward (values no gradient reaches are absent).
  public private(set) var gradients: [String: NDArray] = [:]
  /// What each layer node's backward returned in the last backward (`dx`, the gradient of the
  /// part of its `in` it read), by node name; absent where the layer returns None (ids).
  public private(set) var layerGradients: [String: NDArray] = [:]
  /// The layers of the last forward, by node name.
  public private(set) var layers: [String: any Layer] = [:]
  /// What each layer node was built from at the last forward (params, extra inputs, the state
  /// it started from, options with a drawn dropout mask), by node name: a diagnosis reruns a
  /// node by itself from it (pipeline.md §7).
  public private(set) var configs: [String: LayerConfig] = [:]
  /// The final states of stateful layers, carried into their next forward.
  private var carried: [String: [String: NDArray]] = [:]
  /// With a seed: the one stream every TimeDropout in training mode draws its mask from, in
  /// node order, forward after forward (the book's global `np.random`).
  private let masks: DropoutMaskStream?

  public init(nodes: [GraphNode], loss: String, seed: UInt32? = nil) {
    (self.storedNodes, self.loss) = (nodes, loss)
    masks = seed.map { DropoutMaskStream(seed: $0) }
  }

  /// Runs every node on `inputs` (`xs`, `ts`, …) and returns the loss node's output.
  public func forward(inputs: [String: NDArray]) throws -> NDArray {
    values = inputs
    layers = [:]
    configs = [:]
    for node in nodes {
      let read = try node.inputs.map { try resolve($0, node.path + ".in") }
      switch node.operation {
      case .layer(let kind, let options):
        try forwardLayer(node, kind: kind, options: options, x: read[0])
      case .slice: values[node.name] = read[0]
      case .repeatOverTime(let like):
        let t = try resolve(like, node.path + ".like").shape[1]
        values[node.name] = Glue.repeatOverTime(read[0], t: t)
      case .concat: values[node.name] = Glue.concatenate(read)
      case .split(let sizes):
        for (name, part) in zip(node.outputNames, Glue.split(read[0], sizes: sizes)) { values[name] = part }
      case .sum: values[node.name] = read.dropFirst().reduce(read[0]) { Glue.add($0, $1) }
      }
    }
    guard let out = values[loss] else { throw GraphError("loss", "no value '\(loss)'") }
    return out
  }

  private func forwardLayer(_ node: GraphNode, kind: LayerKind, options: LayerOptions, x: NDArray) throws {
    var extras: [String: NDArray] = [:]
    for (name, reference) in node.extraInputs { extras[name] = try resolve(reference, "\(node.path).\(name)") }
    var state = node.stateful ? carried[node.name] ?? [:] : [:]
    if !node.setState.isEmpty {
      state = [:]  // the book's set_state(h, c=None): c not given is None, zeros at forward
      for (name, reference) in node.setState {
        state[name] = try resolve(reference, "\(node.path).set_state.\(name)")
      }
    }
    var options = options
    if let masks, kind.typeName == "TimeDropout", options["mask"] == nil,
      case .bool(true)? = options["train"] ?? .bool(true)
    {
      let ratio: Double
      if case .number(let given)? = options["ratio"] { ratio = given } else { ratio = 0.5 }
      options.values["mask"] = .array(masks.mask(shape: x.shape, ratio: ratio))
    }
    let config = LayerConfig(name: node.name, params: node.params, inputs: extras, state: state, options: options)
    let layer = try kind.make(config)
    configs[node.name] = config
    values[node.name] = try layer.forward(x)
    layers[node.name] = layer
    if node.stateful {
      carried[node.name] = Dictionary(
        layer.extraOutputs.filter { kind.stateNames.contains($0.name) }.map { ($0.name, $0.array) },
        uniquingKeysWith: { first, _ in first })
    }
  }

  /// Runs backward from the loss (dout = 1) through every node in reverse order.
  public func backward() throws {
    gradients = [loss: NDArray(scalar: 1.0)]
    layerGradients = [:]
    for node in nodes.reversed() {
      let douts = node.outputNames.map { gradients[$0] }
      switch node.operation {
      case .layer:
        guard let dout = douts[0], let layer = layers[node.name] else { continue }
        if let dx = try layer.backward(dout) {
          layerGradients[node.name] = dx
          try accumulate(dx, node.inputs[0], node.path + ".in")
        }
        let after = Dictionary(layer.extraOutputs.map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
        for (name, reference) in node.extraInputs {
          if let gradient = after["d" + name] { try accumulate(gradient, reference, "\(node.path).\(name)") }
        }
        for (name, reference) in node.setState where name == "h" {
          if let dh = after["dh"] { try accumulate(dh, reference, "\(node.path).set_state.h") }
        }
      case .slice:
        if let dout = douts[0] { try accumulate(dout, node.inputs[0], node.path + ".in") }
      case .repeatOverTime:
        if let dout = douts[0] { try accumulate(Glue.sumOverTime(dout), node.inputs[0], node.path + ".in") }
      case .concat:
        guard let dout = douts[0] else { continue }
        let sizes = try node.inputs.map { try resolve($0, node.path + ".in").shape.last ?? 1 }
        for (i, part) in Glue.split(dout, sizes: sizes).enumerated() {
          try accumulate(part, node.inputs[i], "\(node.path).in[\(i)]")
        }
      case .split(let sizes):
        guard douts.contains(where: { $0 != nil }) else { continue }
        let lead = Array(try resolve(node.inputs[0], node.path + ".in").shape.dropLast())
        let dtype = douts.compactMap { $0?.dtype }.reduce(DType.float32) { DType.promote($0, $1) }
        let parts = zip(douts, sizes).map { $0 ?? NDArray(zeros: dtype, shape: lead + [$1]) }
        try accumulate(Glue.concatenate(parts), node.inputs[0], node.path + ".in")
      case .sum:
        guard let dout = douts[0] else { continue }
        for (i, reference) in node.inputs.enumerated() { try accumulate(dout, reference, "\(node.path).in[\(i)]") }
      }
    }
  }

  /// The book's `model.params`: every layer node's params in node order, each layer's in its
  /// order, named `NODE.PARAM`, with the tie of a shared one.
  public var params: [(name: String, array: NDArray, tie: GraphNode.Tie?)] {
    nodes.flatMap { node -> [(name: String, array: NDArray, tie: GraphNode.Tie?)] in
      guard case .layer(let kind, _) = node.operation else { return [] }
      return kind.paramNames.compactMap { key in
        node.params[key].map { ("\(node.name).\(key)", $0, node.ties[key]) }
      }
    }
  }

  /// Sets every layer's params from `values` (by full name); a tied param follows its
  /// source (transposed where tied so), as a view of it follows the book's in-place update.
  public func setParams(_ values: [String: NDArray]) {
    for index in storedNodes.indices {
      for key in storedNodes[index].params.keys.sorted() {
        if let tie = storedNodes[index].ties[key], let source = values[tie.source] {
          pendingTies.removeAll { $0.index == index && $0.key == key }
          if tie.transposed {
            pendingTies.append((index, key, source))
          } else {
            storedNodes[index].params[key] = source
          }
        } else if let value = values["\(storedNodes[index].name).\(key)"] {
          pendingTies.removeAll { $0.index == index && $0.key == key }
          storedNodes[index].params[key] = value
        }
      }
    }
  }

  /// The params without a tie, named and ordered as in ``params``: what a run writes after
  /// training, read without materialising the transposed ties.
  public var untiedParams: [(name: String, array: NDArray)] {
    storedNodes.flatMap { node -> [(name: String, array: NDArray)] in
      guard case .layer(let kind, _) = node.operation else { return [] }
      return kind.paramNames.compactMap { key in
        node.ties[key] == nil ? node.params[key].map { ("\(node.name).\(key)", $0) } : nil
      }
    }
  }

  private func materialiseTies() {
    for tie in pendingTies { storedNodes[tie.index].params[tie.key] = Glue.transposed(tie.source) }
    pendingTies = []
  }

  /// The raw gradients of every layer node, `NAME.dPARAM`, in node order and each layer's
  /// param order: the book's `model.grads` (pipeline.md §6.2).
  public var grads: [(name: String, array: NDArray)] {
    storedNodes.flatMap { node -> [(name: String, array: NDArray)] in
      guard let layer = layers[node.name] else { return [] }
      return zip(layer.paramNames, layer.grads).map { ("\(node.name).d\($0)", $1) }
    }
  }

  /// `NAME.h`, `NAME.c`, `NAME.mask` of every layer after the last forward.
  public var states: [(name: String, array: NDArray)] {
    storedNodes.flatMap { node -> [(name: String, array: NDArray)] in
      guard let layer = layers[node.name] else { return [] }
      return layer.extraOutputs.filter { ["h", "c", "mask"].contains($0.name) }
        .map { ("\(node.name).\($0.name)", $0.array) }
    }
  }

  private func resolve(_ reference: ValueReference, _ path: String) throws -> NDArray {
    guard let value = values[reference.value] else {
      throw GraphError(path, "no value '\(reference.value)' (a node may read only inputs and nodes above it)")
    }
    return try reference.apply(value, path: path)
  }

  private func accumulate(_ gradient: NDArray, _ reference: ValueReference, _ path: String) throws {
    guard let value = values[reference.value] else { throw GraphError(path, "no value '\(reference.value)'") }
    let existing = gradients[reference.value]
    guard reference.time != .all else {
      // A whole value: `a + b`, a new array with NumPy's promotion (`dhs0 + dhs1`).
      gradients[reference.value] = existing.map { Glue.add($0, gradient) } ?? gradient
      return
    }
    // Part of a value: the book writes into a buffer, `dhs = np.zeros_like(hs); dhs[:, -1] = dh`
    // (the value's dtype) or `denc_hs[:, -1] += dh` (the buffer's dtype, computed promoted).
    guard let existing else {
      let cast = gradient.dtype == value.dtype || !value.dtype.isFloatingPoint ? gradient : gradient.astype(value.dtype)
      gradients[reference.value] = try reference.scatter(cast, into: value.shape, path: path)
      return
    }
    let sum = Glue.add(existing, try reference.scatter(gradient, into: value.shape, path: path))
    gradients[reference.value] = sum.dtype == existing.dtype ? sum : sum.astype(existing.dtype)
  }
}
