import TLArray
import TLCompare
import TLGraph
import TLIO
import TLLayers

/// tl-run's own run of a version-2 case, kept for its diagnosis (pipeline.md §7): the graph's
/// nodes and the executor holding the last forward's and backward's values, gradients and
/// layer configs.
struct GraphRun {
  enum Mode { case forward, train, generate }
  var mode: Mode
  /// The graph's nodes (none with `generate`, which builds no graph).
  var nodes: [GraphNode] = []
  /// nil with `generate`.
  var executor: GraphExecutor?
  /// The names of `inputs` (`xs`, `ts`).
  var inputNames: [String] = []

  /// The names `--intermediates` writes for this graph (pipeline.md §6.2): every value, its
  /// `.grad`, every layer node's `.dx`, and the inputs' `.grad`.
  var intermediateNames: Set<String> {
    var names = Set(inputNames.map { "\($0).grad" })
    for node in nodes {
      for name in node.outputNames { names.formUnion([name, "\(name).grad"]) }
      if case .layer = node.operation { names.insert("\(node.name).dx") }
    }
    return names
  }
}

/// A version-2 case (pipeline.md §6): its inputs and params loaded, its graph built, run
/// forward and backward, and the results named as §6.2 says.
enum GraphCase {
  /// Loads everything, then computes; every fault names the pipeline and a JSON path.
  static func run(
    _ spec: PipelineSpec, _ graph: GraphSpec, resolver: SourceResolver, intermediates: Bool = false,
    timer: inout PhaseTimer
  ) throws(PipelineError) -> (results: [(name: String, array: NDArray)], precision: Precision, run: GraphRun) {
    let (batches, params) = try timer.measure("load and check") { () throws(PipelineError) in
      var batches: [[String: NDArray]] = Array(repeating: [:], count: graph.train?.steps ?? 1)
      for (name, sources) in graph.inputs {
        for (step, source) in sources.enumerated() { batches[step][name] = try resolver.load(source) }
      }
      return (batches, try loadParams(spec, graph.params, resolver: resolver))
    }
    let inputs = batches[0]
    if let generate = graph.generate, case .model(let model) = graph.body, let xs = inputs["xs"] {
      try timer.measure("check shapes") { () throws(PipelineError) in try checkGenerate(spec, model, params, xs: xs) }
      let sampled = try timer.measure("compute") { () throws(PipelineError) in
        do {
          return try model.generate(params: params, xs: xs, startID: generate.startID, sampleSize: generate.sampleSize)
        } catch let error as GraphError {
          throw PipelineError(file: spec.file, path: error.path, error.message)
        } catch {
          throw PipelineError(file: spec.file, path: "generate", "\(error)")
        }
      }
      return ([("sampled", sampled)], Precision(dtype: .float64, terms: 1), GraphRun(mode: .generate))
    }
    let (nodes, loss) = try build(spec, graph, params: params)
    try timer.measure("check shapes") { () throws(PipelineError) in try check(spec, nodes, batches) }
    let executor = GraphExecutor(nodes: nodes, loss: loss, seed: graph.seed.map { UInt32($0) })
    let results = try timer.measure("compute") { () throws(PipelineError) in
      do {
        let computed: [(name: String, array: NDArray)]
        if let train = graph.train {
          computed = try Self.train(train, executor, batches)
        } else {
          let out = try executor.forward(inputs: inputs)
          try executor.backward()
          computed = [("out", out)] + executor.grads + executor.states
        }
        guard intermediates else { return computed }
        return try Self.withIntermediates(spec, computed, executor)
      } catch let error as PipelineError {
        throw error
      } catch let error as GraphError {
        throw PipelineError(file: spec.file, path: error.path, error.message)
      } catch let error as LayerError {
        // Said at the node's JSON path, as the checks before compute say it.
        guard let node = nodes.first(where: { $0.name == error.layer }) else {
          throw PipelineError(file: spec.file, path: graph.isModel ? "model" : "graph", "\(error)")
        }
        throw PipelineError(file: spec.file, path: node.path, "\(error.type) \"\(error.layer)\" \(error.message)")
      } catch {
        throw PipelineError(file: spec.file, path: graph.isModel ? "model" : "graph", "\(error)")
      }
    }
    let run = GraphRun(
      mode: graph.train == nil ? .forward : .train, nodes: nodes, executor: executor, inputNames: Array(inputs.keys))
    return (results, precision(inputs: inputs, params: params, steps: graph.train?.steps ?? 1), run)
  }

  /// K steps of the Trainer; the results of pipeline.md §6.2 with `train`.
  private static func train(_ train: TrainSpec, _ executor: GraphExecutor, _ batches: [[String: NDArray]]) throws
    -> [(name: String, array: NDArray)]
  {
    let arguments = train.arguments
    let optimizer = Optimizer(
      kind: train.optimizer, lr: arguments["lr"], momentum: arguments["momentum"],
      decayRate: arguments["decay_rate"], beta1: arguments["beta1"], beta2: arguments["beta2"])
    let trainer = Trainer(executor: executor, optimizer: optimizer, maxGrad: train.maxGrad)
    for (index, batch) in batches.enumerated() { try trainer.step(inputs: batch, last: index == batches.count - 1) }
    let losses = NDArray(shape: [trainer.losses.count], scalars: trainer.losses)
    let own = executor.untiedParams
    return [("out", losses)] + trainer.rawGrads + own + executor.states
  }

  private static func loadParams(_ spec: PipelineSpec, _ params: ParamsSpec, resolver: SourceResolver)
    throws(PipelineError) -> [String: NDArray]
  {
    switch params {
    case .arrays(let list):
      var result: [String: NDArray] = [:]
      for (name, source) in list { result[name] = try resolver.load(source) }
      return result
    case .collection(let text, let path):
      let location = try resolver.locate(text, jsonPath: path)
      do {
        return Dictionary(try ArrayIO.readAll(location).map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
      } catch {
        throw PipelineError(file: spec.file, path: path, "\(error)")
      }
    }
  }

  /// The graph's nodes with their params resolved (tied ones the same array, transposed where
  /// asked), and the loss value.
  private static func build(_ spec: PipelineSpec, _ graph: GraphSpec, params: [String: NDArray])
    throws(PipelineError) -> ([GraphNode], String)
  {
    switch graph.body {
    case .model(let model):
      do {
        let nodes = try model.graph(
          params: params, dropoutRatio: graph.dropoutRatio ?? 0.5, train: graph.trainFlag ?? true)
        return (nodes, "loss")
      } catch {
        throw PipelineError(file: spec.file, path: error.path, error.message)
      }
    case .graph(let specs, let loss):
      var nodes: [GraphNode] = []
      for node in specs {
        nodes.append(try build(spec, node, params: params))
      }
      return (nodes, loss)
    }
  }

  private static func build(_ spec: PipelineSpec, _ node: NodeSpec, params: [String: NDArray])
    throws(PipelineError) -> GraphNode
  {
    let operation: GraphNode.Operation
    var own: [String: NDArray] = [:]
    switch node.operation {
    case .layer(let kind):
      for key in kind.paramNames {
        let tie = node.ties[key]
        let source = tie?.source ?? "\(node.name).\(key)"
        guard let array = params[source] else {
          throw PipelineError(
            file: spec.file, path: node.ties[key] == nil ? node.jsonPath : "\(node.jsonPath).params.\(key)",
            "param \(source) is not in params")
        }
        own[key] = tie?.transposed == true ? Glue.transposed(array) : array
      }
      var options: [String: LayerOptionValue] = [:]
      for (name, option) in node.options.sorted(by: { $0.key < $1.key }) {
        guard case .value(let value) = option else {
          throw PipelineError(
            file: spec.file, path: "\(node.jsonPath).\(name)", "array options are not supported in a graph yet")
        }
        options[name] = value
      }
      operation = .layer(kind, LayerOptions(options))
    case .slice: operation = .slice
    case .repeatOverTime(let like): operation = .repeatOverTime(like: like)
    case .concat: operation = .concat
    case .split(let sizes): operation = .split(sizes: sizes)
    case .sum: operation = .sum
    }
    return GraphNode(
      name: node.name, path: node.jsonPath, operation: operation, inputs: node.inputs, extraInputs: node.extraInputs,
      setState: node.setState, stateful: node.stateful, params: own, ties: node.ties)
  }
}

extension GraphSpec {
  var isModel: Bool {
    if case .model = body { return true }
    return false
  }
}
