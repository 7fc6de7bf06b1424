/// The recurrent and attention layers: TimeRNN, TimeLSTM, TimeGRU, TimeBiLSTM and
/// TimeAttention. The single-step classes (RNN, LSTM, GRU, WeightSum, AttentionWeight,
/// Attention) are building blocks with several inputs, so pipelines do not name them.
let recurrentLayerKinds: [LayerKind] = [.timeRNN, .timeLSTM, .timeGRU, .timeBiLSTM, .timeAttention]

extension LayerKind {
  /// `TimeRNN`: xs (N,T,D) → hs (N,T,H) float32; params Wx (D,H), Wh (H,H), b (H,); state h.
  static let timeRNN = timeRecurrent(.rnn)
  /// `TimeLSTM`: xs (N,T,D) → hs (N,T,H) float32; params Wx (D,4H), Wh (H,4H), b (4H,); state h, c.
  static let timeLSTM = timeRecurrent(.lstm)
  /// `TimeGRU`: xs (N,T,D) → hs (N,T,H) float32; params Wx (D,3H), Wh (H,3H), b (3H,); state h.
  static let timeGRU = timeRecurrent(.gru)

  private static func timeRecurrent(_ cell: RecurrentArchitecture) -> LayerKind {
    LayerKind(
      typeName: cell.timeTypeName, paramNames: ["Wx", "Wh", "b"], inputNames: [],
      stateNames: cell == .lstm ? ["h", "c"] : ["h"], takesDropoutOptions: false, isLoss: false,
      infer: { config, xs in
        try RecurrentShapes(
          layer: config.name, type: cell.timeTypeName, gates: cell.cellType.gates,
          params: config.params, xs: xs,
          state: config.state.signatures
        ).output
      },
      make: { config in try TimeRecurrentLayer(cell, config: config) })
  }
}
