/// The feed-forward layers and their time versions: Embedding, Affine, MatMul, Softmax,
/// Sigmoid, the losses, Dropout, TimeEmbedding, TimeAffine, TimeDropout and the time losses.
let coreLayerKinds: [LayerKind] = []
