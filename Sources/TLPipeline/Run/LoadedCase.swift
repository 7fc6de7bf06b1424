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
  public static func load(_ spec: PipelineSpec, resolver: SourceResolver) throws(PipelineError) -> LoadedCase {
    let input = try resolver.load(spec.input)
    var configs: [LayerConfig] = []
    for layer in spec.layers {
      var config = LayerConfig(name: layer.name)
      for (key, source) in layer.params.sorted(by: { $0.key < $1.key }) {
        config.params[key] = try resolver.load(source)
      }
      for (key, source) in layer.inputs.sorted(by: { $0.key < $1.key }) {
        config.inputs[key] = try resolver.load(source)
      }
      for (key, source) in layer.state.sorted(by: { $0.key < $1.key }) { config.state[key] = try resolver.load(source) }
      for (key, option) in layer.options.sorted(by: { $0.key < $1.key }) {
        switch option {
        case .value(let value): config.options[key] = value
        case .source(let source): config.options[key] = .array(try resolver.load(source))
        }
      }
      configs.append(config)
    }
    let given = try spec.dout.map { source throws(PipelineError) in try resolver.load(source) }
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
