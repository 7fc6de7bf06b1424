import TLArray
import TLKernels

/// The math of one recurrent step on a ``RecurrentTape``: what differs between the book's RNN,
/// LSTM and GRU classes (common/time_layers.py). Everything else (time loop, x·Wx, h, weight
/// products over all steps) is shared.
///
/// A cell is made for each forward call and owns what only it needs (LSTM's memory c, GRU's
/// r⊙h_prev, their scratch), keeping it for the backward, so the shared time loop never asks
/// which cell it runs. `Scalar` is the computation type; `Wide` the same cell in float64.
protocol RecurrentCell: SendableMetatype {
  associatedtype Scalar: LayerScalar
  associatedtype Wide: RecurrentCell where Wide.Scalar == Double
  /// The book's class name of the single step (`LSTM`) and of its time version (`TimeLSTM`).
  static var stepTypeName: String { get }
  static var timeTypeName: String { get }
  /// G, the number of H-wide blocks packed in Wx, Wh and b.
  static var gates: Int { get }
  /// The states carried from step to step, by the book's names: `h`, then the cell's own (`c`).
  static var stateNames: [String] { get }

  /// The cell's buffers for N rows, T steps and H units; `state` has the initial value (N,H) of
  /// each of the cell's own states that was given (the others start at zeros).
  init(n: Int, t: Int, h: Int, state: [String: NDArray])
  /// The same cell with every cached value converted to float64 (exact).
  func widened() -> Wide

  /// Step `step` of the forward: on entry the tape's gate block holds x·Wx; on exit it holds
  /// what the backward needs, and the step's states are written.
  func forwardStep(_ tape: RecurrentTape<Self>, _ step: Int)
  /// Step `step` of the backward: on entry the running gradients hold those of the step's
  /// output states; on exit the gate block holds dA and they hold those of its input states.
  func backwardStep(_ tape: RecurrentTape<Self>, _ step: Int)
  /// dWh (H,G·H) summed over every step, from the cached states and dA, into `dWh`, which
  /// holds zeros.
  func recurrentWeightGradient(_ tape: RecurrentTape<Self>, into dWh: MutableMatrix<Scalar>)

  /// The final values (N,H) of the cell's own states, as copies.
  func finalStates() -> [String: Buffer<Scalar>]
  /// Before a backward: the gradients of the final values of the cell's own states (a missing
  /// one is zeros).
  func startBackward(_ last: [String: Buffer<Scalar>])
  /// After a backward: the gradients (N,H) of the initial values of the cell's own states.
  func initialStateGradients() -> [String: Buffer<Scalar>]
}

extension RecurrentCell {
  static var stateNames: [String] { ["h"] }
  func recurrentWeightGradient(_ tape: RecurrentTape<Self>, into dWh: MutableMatrix<Scalar>) {
    tape.plainRecurrentWeightGradient(into: dWh)
  }
  func finalStates() -> [String: Buffer<Scalar>] { [:] }
  func startBackward(_ last: [String: Buffer<Scalar>]) {}
  func initialStateGradients() -> [String: Buffer<Scalar>] { [:] }
}

/// Ports the step math of the book's `RNN`: h_next = tanh(h_prev·Wh + x·Wx + b). Owns nothing.
struct RNNCell<Scalar: LayerScalar>: RecurrentCell {
  typealias T = Scalar
  static var stepTypeName: String { "RNN" }
  static var timeTypeName: String { "TimeRNN" }
  static var gates: Int { 1 }

  init(n: Int, t: Int, h: Int, state: [String: NDArray]) {}
  func widened() -> RNNCell<Double> { RNNCell<Double>(n: 0, t: 0, h: 0, state: [:]) }

  func forwardStep(_ tape: RecurrentTape<Self>, _ step: Int) {
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
  func backwardStep(_ tape: RecurrentTape<Self>, _ step: Int) {
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

extension RecurrentArchitecture {
  /// `RNN`/`TimeRNN`: tanh cell, Wx (D,H).
  public static let rnn = RecurrentArchitecture(RNNCell<Float>.self)
}

extension LayerKind {
  /// `TimeRNN`: xs (N,T,D) → hs (N,T,H) float32; params Wx (D,H), Wh (H,H), b (H,); state h.
  static let timeRNN = timeRecurrent(.rnn)
}
