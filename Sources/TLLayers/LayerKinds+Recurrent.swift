/// The recurrent and attention layers: RNN, LSTM, GRU and their time versions, TimeBiLSTM,
/// WeightSum, AttentionWeight, Attention and TimeAttention.
let recurrentLayerKinds: [LayerKind] = []
