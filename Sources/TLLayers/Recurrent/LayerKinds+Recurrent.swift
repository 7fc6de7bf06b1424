/// The recurrent layers: TimeRNN, TimeLSTM, TimeGRU (each kind defined beside its cell) and
/// TimeBiLSTM. The single-step classes (RNN, LSTM, GRU) take several inputs, so pipelines do
/// not name them.
let recurrentLayerKinds: [LayerKind] = [.timeRNN, .timeLSTM, .timeGRU, .timeBiLSTM]
