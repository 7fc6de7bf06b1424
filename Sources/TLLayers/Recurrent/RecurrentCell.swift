/// The math of one recurrent step on a ``RecurrentTape``: what differs between the book's RNN,
/// LSTM and GRU classes (common/time_layers.py). Everything else (time loop, buffers, state,
/// weight products over all steps) is shared.
protocol RecurrentCell {
  /// The book's class name of the single step (`LSTM`) and of its time version (`TimeLSTM`).
  static var stepTypeName: String { get }
  static var timeTypeName: String { get }
  /// G, the number of H-wide blocks packed in Wx, Wh and b.
  static var gates: Int { get }
  /// Whether the cell carries LSTM's memory c besides h.
  static var hasMemory: Bool { get }
  /// Step `step` of the forward: on entry the tape's gate block holds x·Wx; on exit it holds
  /// what the backward needs, and h (and c) for the step are written.
  static func forwardStep<T: LayerScalar>(_ tape: RecurrentTape<Self, T>, _ step: Int)
  /// Step `step` of the backward: on entry `tape.dh` holds dh_next (and `tape.dc` dc_next); on
  /// exit the gate block holds dA and `tape.dh` (and `tape.dc`) hold the gradient of the step's
  /// input state.
  static func backwardStep<T: LayerScalar>(_ tape: RecurrentTape<Self, T>, _ step: Int)
  /// dWh (H,G·H) summed over every step, from the cached states and dA.
  static func recurrentWeightGradient<T: LayerScalar>(
    _ tape: RecurrentTape<Self, T>, into dWh: MutableMatrix<T>)
}

extension RecurrentCell {
  static func recurrentWeightGradient<T: LayerScalar>(
    _ tape: RecurrentTape<Self, T>, into dWh: MutableMatrix<T>
  ) {
    tape.plainRecurrentWeightGradient(into: dWh)
  }
}

/// Ports the step math of the book's `RNN`: h_next = tanh(h_prev·Wh + x·Wx + b).
enum RNNCell: RecurrentCell {
  static let stepTypeName = "RNN", timeTypeName = "TimeRNN"
  static let gates = 1
  static let hasMemory = false

  static func forwardStep<T: LayerScalar>(_ tape: RecurrentTape<Self, T>, _ step: Int) {
    let hw = tape.recurrentProduct(step, cols: tape.h)
    let a = tape.gates(step)
    let hOut = tape.hOut(step)
    let b = tape.b.p
    for row in 0..<tape.n {
      let xw = a.base + row * a.ld
      let p = hw.base + row * hw.ld
      let out = hOut.base + row * hOut.ld
      for j in 0..<tape.h { out[j] = T.tanh((p[j] + xw[j]) + b[j]) }
    }
  }

  /// dt = dh_next ⊙ (1 − h_next²) into the gate block; dh_prev = dt·Whᵀ.
  static func backwardStep<T: LayerScalar>(_ tape: RecurrentTape<Self, T>, _ step: Int) {
    let a = tape.gates(step)
    let hNext = tape.hOut(step)
    let dh = tape.dhMatrix
    for row in 0..<tape.n {
      let dt = a.base + row * a.ld
      let hn = hNext.base + row * hNext.ld
      let dn = dh.base + row * dh.ld
      for j in 0..<tape.h { dt[j] = dn[j] * (1 - hn[j] * hn[j]) }
    }
    tape.stepProduct(
      a.readOnly, transposed: false, tape.whColumns(0, tape.h), transposed: true, into: dh)
  }
}
