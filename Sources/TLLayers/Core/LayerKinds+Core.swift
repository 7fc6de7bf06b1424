/// The feed-forward layers and their time versions: Embedding, Affine, MatMul, Softmax,
/// Sigmoid, the losses, Dropout, TimeEmbedding, TimeAffine, TimeDropout and the time losses.
/// Each kind is defined beside its layer (`TimeAffine.swift` defines `.timeAffine`).
let coreLayerKinds: [LayerKind] = [
  .embedding, .affine, .matMul, .softmax, .sigmoid, .softmaxWithLoss, .sigmoidWithLoss, .dropout,
  .timeEmbedding, .timeAffine, .timeDropout, .timeSoftmaxWithLoss, .timeSigmoidWithLoss,
]

extension LayerKind {
  /// A kind whose `infer` and `make` receive a ``LayerCheck`` for the configured layer's name:
  /// how the feed-forward layers (`Core/`) define theirs.
  static func core(
    _ typeName: String, params: [String] = [], inputs: [String] = [], options: [LayerOption] = [],
    loss: Bool = false,
    infer: @escaping @Sendable (LayerConfig, ArraySignature, LayerCheck) throws -> ArraySignature,
    make: @escaping @Sendable (LayerConfig, LayerCheck) throws -> any Layer
  ) -> LayerKind {
    LayerKind(
      typeName: typeName, paramNames: params, inputNames: inputs, options: options, isLoss: loss,
      infer: { config, x in try infer(config, x, LayerCheck(layer: config.name, type: typeName)) },
      make: { config in try make(config, LayerCheck(layer: config.name, type: typeName)) })
  }
}
