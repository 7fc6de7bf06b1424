import TLArray
import TLKernels

/// Which of the book's recurrent cells a layer runs: `.rnn`, `.lstm` or `.gru`, each declared
/// in its cell's file (`static let lstm = RecurrentArchitecture(LSTMCell<Float>.self)`), so a
/// new cell adds one there and nothing here lists the cells.
public struct RecurrentArchitecture: Sendable, Equatable, CustomStringConvertible {
  /// The book's class names: `LSTM` and `TimeLSTM`.
  public let stepTypeName: String
  public let timeTypeName: String
  /// G, the number of H-wide blocks packed in Wx, Wh and b.
  let gates: Int
  /// The states carried from step to step: `h`, and `c` for LSTM.
  let stateNames: [String]
  private let run: @Sendable (RecurrentShapes, NDArray, [NDArray], [String: NDArray]) -> RecurrentRun

  /// The architecture of `Cell`, given in its float32 form (its `Wide` form runs float64).
  init<Cell: RecurrentCell>(_: Cell.Type) where Cell.Scalar == Float {
    (stepTypeName, timeTypeName) = (Cell.stepTypeName, Cell.timeTypeName)
    (gates, stateNames) = (Cell.gates, Cell.stateNames)
    run = { shapes, xs, params, state in
      makeRecurrentRun(Cell.self, shapes: shapes, xs: xs, params: params, state: state)
    }
  }

  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.timeTypeName == rhs.timeTypeName }

  public var description: String { timeTypeName }

  /// Runs a forward pass with this cell in the dtype `shapes` computed, from the initial
  /// states by name (``stateNames``); a missing one is the book's float32 zeros.
  func start(shapes: RecurrentShapes, xs: NDArray, params: [NDArray], state: [String: NDArray])
    -> RecurrentRun
  {
    run(shapes, xs, params, state)
  }

  /// ``start(shapes:xs:params:state:)`` from the initial h and (LSTM) c.
  func start(shapes: RecurrentShapes, xs: NDArray, params: [NDArray], h0: NDArray?, c0: NDArray?)
    -> RecurrentRun
  {
    var state: [String: NDArray] = [:]
    (state["h"], state["c"]) = (h0, c0)
    return run(shapes, xs, params, state)
  }
}
