import TLArray
import TLLayers

/// Shape and dtype inference of a graph before anything is computed (pipeline.md §6.1 "Errors
/// before compute"), as version 1 runs each layer kind's `infer` along its chain: every node in
/// file order gets its inputs' signatures (shape and dtype), each layer node its kind's
/// `infer` (params, extra inputs, `set_state`, the state a stateful layer carries), each glue
/// op its shape rule. The first mismatch throws a ``GraphError`` at the node's JSON path.
///
/// A layer's `infer` takes arrays for its extra inputs and state; a value computed by a node
/// stands in as zeros of its signature (never computed), a value read from `inputs` (the loss's
/// `ts`) is the array itself, so the loss checks its labels as at compute time.
public struct GraphInference {
  /// Every value's signature after the last ``infer(_:inputs:)``.
  public private(set) var signatures: [String: ArraySignature] = [:]
  /// The state signatures stateful layers carry into the next step (`h`, `c`: (N, H)).
  private var carried: [String: [String: ArraySignature]] = [:]
  private var inputs: [String: NDArray] = [:]

  public init() {}

  /// Infers every node of `nodes` on one batch of `inputs` (`xs`, `ts`, …). Call it once per
  /// training step, in order: a stateful layer's state then carries from one step to the next.
  public mutating func infer(_ nodes: [GraphNode], inputs: [String: NDArray]) throws(GraphError) {
    self.inputs = inputs
    signatures = inputs.mapValues { ArraySignature($0) }
    for node in nodes {
      let read = try node.inputs.enumerated().map { (i, reference) throws(GraphError) in
        try signature(reference, node.inputs.count == 1 ? "\(node.path).in" : "\(node.path).in[\(i)]")
      }
      switch node.operation {
      case .layer(let kind, let options):
        signatures[node.name] = try inferLayer(node, kind: kind, options: options, x: read[0])
      case .slice: signatures[node.name] = read[0]
      case .repeatOverTime(let like):
        signatures[node.name] = try inferRepeat(node, h: read[0], like: like)
      case .concat: signatures[node.name] = try inferConcat(node, read)
      case .split(let sizes):
        for (name, part) in zip(node.outputNames, try inferSplit(node, read[0], sizes: sizes)) {
          signatures[name] = part
        }
      case .sum: signatures[node.name] = try inferSum(node, read)
      }
    }
  }

  private mutating func inferLayer(_ node: GraphNode, kind: LayerKind, options: LayerOptions, x: ArraySignature)
    throws(GraphError) -> ArraySignature
  {
    var config = LayerConfig(name: node.name, params: node.params, options: options)
    for (name, reference) in node.extraInputs {
      config.inputs[name] = try standIn(reference, "\(node.path).\(name)")
    }
    if node.stateful, let state = carried[node.name] {
      config.state = state.mapValues { NDArray(zeros: $0.dtype, shape: $0.shape) }
    }
    if !node.setState.isEmpty {
      config.state = [:]
      for (name, reference) in node.setState {
        config.state[name] = try standIn(reference, "\(node.path).set_state.\(name)")
      }
    }
    let out: ArraySignature
    do {
      out = try kind.infer(config, x)
    } catch let error as LayerError {
      throw GraphError(node.path, "\(kind.typeName) \"\(node.name)\" \(error.message)\(tieNote(node))")
    } catch {
      throw GraphError(node.path, "\(kind.typeName) \"\(node.name)\" \(error)")
    }
    if node.stateful, let last = out.shape.last, out.shape.count >= 2 {
      // The book's final h (and c) of a TimeRNN/LSTM/GRU: (N, H) in the computation dtype.
      let state = ArraySignature(shape: [out.shape[0], last], dtype: out.dtype)
      carried[node.name] = Dictionary(uniqueKeysWithValues: kind.stateNames.map { ($0, state) })
    }
    return out
  }

  /// Where a layer node's params come from another's: what its message adds, since the shape
  /// the layer saw is the tie's (`W is embed.W transposed, (5,10)`).
  private func tieNote(_ node: GraphNode) -> String {
    node.ties.keys.sorted().compactMap { key in
      guard let tie = node.ties[key], let array = node.params[key] else { return nil }
      let how = tie.transposed ? " transposed" : ""
      return " (\(key) is \(tie.source)\(how), \(Shape.describe(array.shape)))"
    }.joined()
  }

  private func inferRepeat(_ node: GraphNode, h: ArraySignature, like: ValueReference) throws(GraphError)
    -> ArraySignature
  {
    let target = try signature(like, node.path + ".like")
    guard h.shape.count == 2 else {
      throw GraphError(node.path + ".in", "repeat takes a value of shape (N,H), got \(Shape.describe(h.shape))")
    }
    guard target.shape.count >= 2, target.shape[0] == h.shape[0] else {
      throw GraphError(
        node.path + ".like",
        "repeat needs a value of shape (N,T,…) with N = \(h.shape[0]) as in \"in\", got '\(like)' of shape \(Shape.describe(target.shape))"
      )
    }
    return ArraySignature(shape: [h.shape[0], target.shape[1], h.shape[1]], dtype: h.dtype)
  }

  private func inferConcat(_ node: GraphNode, _ parts: [ArraySignature]) throws(GraphError) -> ArraySignature {
    let first = parts[0]
    if let scalar = parts.firstIndex(where: { $0.shape.isEmpty }) {
      let path = parts.count == 1 ? "\(node.path).in" : "\(node.path).in[\(scalar)]"
      throw GraphError(path, "concat joins values on their last axis; '\(node.inputs[scalar])' is 0-d")
    }
    for (i, part) in parts.enumerated().dropFirst() {
      let path = "\(node.path).in[\(i)]"
      let shapes =
        "'\(node.inputs[0])' \(Shape.describe(first.shape)), '\(node.inputs[i])' \(Shape.describe(part.shape))"
      guard part.shape.count == first.shape.count else {
        throw GraphError(path, "concat parts have ranks \(first.shape.count) and \(part.shape.count) (\(shapes))")
      }
      if let axis = zip(first.shape, part.shape).dropLast().firstIndex(where: { $0 != $1 }) {
        let letter = axis == 0 ? "N" : axis == 1 ? "T" : "axis \(axis) sizes"
        throw GraphError(
          path, "concat parts have \(letter) \(first.shape[axis]) and \(part.shape[axis]) (\(shapes))")
      }
    }
    let dtype = parts.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
    let width = parts.reduce(0) { $0 + ($1.shape.last ?? 0) }
    return ArraySignature(shape: first.shape.dropLast() + [width], dtype: dtype)
  }

  private func inferSplit(_ node: GraphNode, _ x: ArraySignature, sizes: [Int]) throws(GraphError)
    -> [ArraySignature]
  {
    var total = 0
    for size in sizes {
      let (sum, overflow) = total.addingReportingOverflow(size)
      guard !overflow else {
        throw GraphError(node.path + ".sizes", "split sizes add up to more than Int.max")
      }
      total = sum
    }
    guard let last = x.shape.last, last == total else {
      throw GraphError(
        node.path + ".sizes",
        "split sizes add up to \(total) (\(sizes.map(String.init).joined(separator: "+"))), not to the last axis of '\(node.inputs[0])' of shape \(Shape.describe(x.shape))"
      )
    }
    return sizes.map { ArraySignature(shape: x.shape.dropLast() + [$0], dtype: x.dtype) }
  }

  private func inferSum(_ node: GraphNode, _ parts: [ArraySignature]) throws(GraphError) -> ArraySignature {
    for (i, part) in parts.enumerated() {
      let path = node.inputs.count == 1 ? "\(node.path).in" : "\(node.path).in[\(i)]"
      guard part.dtype == .float32 || part.dtype == .float64 else {
        throw GraphError(path, "sum adds float32 or float64 values, got '\(node.inputs[i])' of \(part.dtype)")
      }
      guard part.shape == parts[0].shape else {
        throw GraphError(
          path,
          "sum parts have shapes \(Shape.describe(parts[0].shape)) ('\(node.inputs[0])') and \(Shape.describe(part.shape)) ('\(node.inputs[i])')"
        )
      }
    }
    return ArraySignature(
      shape: parts[0].shape, dtype: parts.dropFirst().reduce(parts[0].dtype) { DType.promote($0, $1.dtype) })
  }

  /// The signature of what `reference` takes; throws where its slice does not fit the value.
  private func signature(_ reference: ValueReference, _ path: String) throws(GraphError) -> ArraySignature {
    guard let value = signatures[reference.value] else {
      throw GraphError(path, "no value '\(reference.value)' (a node may read only inputs and nodes above it)")
    }
    return ArraySignature(shape: try reference.shape(of: value.shape, path: path), dtype: value.dtype)
  }

  /// The array a layer's `infer` gets for an extra input or a state: an input's own part, or
  /// zeros of a computed value's signature.
  private func standIn(_ reference: ValueReference, _ path: String) throws(GraphError) -> NDArray {
    if let array = inputs[reference.value] { return try reference.apply(array, path: path) }
    let signature = try signature(reference, path)
    return NDArray(zeros: signature.dtype, shape: signature.shape)
  }
}
