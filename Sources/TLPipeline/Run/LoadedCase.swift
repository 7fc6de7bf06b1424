import TLArray
import TLLayers

/// A case with every array loaded and every shape checked: nothing has been computed yet.
public struct LoadedCase: Sendable {
  public var spec: PipelineSpec
  public var input: NDArray
  /// One configuration per layer, in chain order.
  public var configs: [LayerConfig]
  /// The upstream gradient of the final output (1 for a loss layer when not given).
  public var dout: NDArray
  /// The signature of each layer's output, as inferred.
  public var signatures: [ArraySignature]

  /// Loads every array of `spec` through `resolver`, then checks the shapes along the chain.
  /// The files are read side by side on the available cores (``ParallelSources``; HDF5 files
  /// in their turn); when several fail, the error is the one of the first source in the order
  /// below (the input, then each layer's params, inputs, state and array options by key, then
  /// `dout`), as when they were read one after another.
  public static func load(_ spec: PipelineSpec, resolver: SourceResolver) throws(PipelineError) -> LoadedCase {
    var sources = ParallelSources()
    let inputSlot = sources.add(spec.input)
    var slots: [(params: [(String, Int)], inputs: [(String, Int)], state: [(String, Int)], options: [(String, Int)])] =
      []
    for layer in spec.layers {
      let params = layer.params.sorted(by: { $0.key < $1.key }).map { ($0.key, sources.add($0.value)) }
      let inputs = layer.inputs.sorted(by: { $0.key < $1.key }).map { ($0.key, sources.add($0.value)) }
      let state = layer.state.sorted(by: { $0.key < $1.key }).map { ($0.key, sources.add($0.value)) }
      var options: [(String, Int)] = []
      for (key, option) in layer.options.sorted(by: { $0.key < $1.key }) {
        if case .source(let source) = option { options.append((key, sources.add(source))) }
      }
      slots.append((params, inputs, state, options))
    }
    let doutSlot = spec.dout.map { sources.add($0) }
    let arrays = try sources.load(with: resolver)
    let input = arrays[inputSlot]
    var configs: [LayerConfig] = []
    for (layer, slot) in zip(spec.layers, slots) {
      var config = LayerConfig(name: layer.name)
      for (key, index) in slot.params { config.params[key] = arrays[index] }
      for (key, index) in slot.inputs { config.inputs[key] = arrays[index] }
      for (key, index) in slot.state { config.state[key] = arrays[index] }
      for (key, option) in layer.options {
        if case .value(let value) = option { config.options[key] = value }
      }
      for (key, index) in slot.options { config.options[key] = .array(arrays[index]) }
      configs.append(config)
    }
    let given = doutSlot.map { arrays[$0] }
    var signatures: [ArraySignature] = []
    var signature = ArraySignature(input)
    for (layer, config) in zip(spec.layers, configs) {
      do {
        signature = try layer.kind.infer(config, signature)
      } catch let error as LayerError {
        throw PipelineError(
          file: spec.file, path: layer.jsonPath, "\(layer.kind.typeName) \"\(layer.name)\" \(error.message)")
      } catch {
        throw PipelineError(file: spec.file, path: layer.jsonPath, "\(error)")
      }
      signatures.append(signature)
    }
    let dout = given ?? NDArray(scalar: 1.0)
    if let source = spec.dout, let last = spec.layers.last, !last.kind.isLoss, dout.shape != signature.shape {
      throw PipelineError(
        file: spec.file, path: source.jsonPath,
        "shape \(Shape.describe(dout.shape)) does not match the output of \(last.jsonPath), \(Shape.describe(signature.shape))"
      )
    }
    return LoadedCase(spec: spec, input: input, configs: configs, dout: dout, signatures: signatures)
  }
}
