/// The attention layers: TimeAttention. Its building blocks (WeightSum, AttentionWeight,
/// Attention) take several inputs, so pipelines do not name them.
let attentionLayerKinds: [LayerKind] = [.timeAttention]
