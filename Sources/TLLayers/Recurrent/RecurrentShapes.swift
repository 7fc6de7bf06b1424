import TLArray
import TLKernels

/// The sizes and computation dtype of a TimeRNN/TimeLSTM/TimeGRU call, checked from the shapes
/// alone: xs (N,T,D), Wx (D,G·H), Wh (H,G·H), b (G·H,), state h and c (N,H), where G is the
/// number of gate blocks (1 RNN, 4 LSTM, 3 GRU).
struct RecurrentShapes: Equatable {
  var n: Int, t: Int, d: Int, h: Int, gates: Int
  /// NumPy's dtype of the step arithmetic: promote(xs, Wx, Wh, b, h₀, c₀), with float32 for a
  /// missing state (the book's `np.zeros(..., dtype='f')`). `h`, `c` and `dh` come out in it.
  var dtype: DType

  /// Checks every shape and dtype; errors name `layer` and both shapes, e.g.
  /// `expects Wx of shape (D,4H) = (3,20), got (3,16)`. `suffix` picks `Wx1`… for TimeBiLSTM.
  init(
    layer: String, type: String, cell: RecurrentArchitecture, params: [String: NDArray],
    xs: ArraySignature, state: [String: ArraySignature] = [:], suffix: String = ""
  ) throws {
    let gates = cell.gates
    func fail(_ message: String) -> LayerError { LayerError(layer: layer, type: type, message) }
    func param(_ name: String) throws -> NDArray {
      guard let array = params[name + suffix] else { throw fail("needs param \(name + suffix)") }
      guard array.dtype.isLayerFloat else {
        throw fail("expects \(name + suffix) of dtype float32 or float64, got \(array.dtype)")
      }
      return array
    }
    let (wx, wh, b) = (try param("Wx"), try param("Wh"), try param("b"))
    let g = gates == 1 ? "" : "\(gates)"
    guard xs.shape.count == 3 else {
      throw fail("expects xs of shape (N,T,D), got \(spell(xs.shape))")
    }
    guard wh.rank == 2, wh.shape[1] == gates * wh.shape[0] else {
      throw fail("expects Wh\(suffix) of shape (H,\(g)H), got \(spell(wh.shape))")
    }
    (n, t, d, h, self.gates) = (xs.shape[0], xs.shape[1], xs.shape[2], wh.shape[0], gates)
    let gh = gates * h
    guard wx.shape == [d, gh] else {
      throw fail(
        "Wx\(suffix) of shape \(spell(wx.shape)) does not fit xs of shape \(spell(xs.shape)) and Wh\(suffix) of shape \(spell(wh.shape)): expects Wx\(suffix) of shape (D,\(g)H) = \(spell([d, gh]))"
      )
    }
    guard b.shape == [gh] else {
      throw fail(
        "b\(suffix) of shape \(spell(b.shape)) does not fit Wh\(suffix) of shape \(spell(wh.shape)): expects b\(suffix) of shape (\(g)H,) = \(spell([gh]))"
      )
    }
    guard t >= 1 else {
      throw fail("expects at least one time step, got xs of shape \(spell(xs.shape))")
    }
    dtype = try Self.computationDtype(
      [xs.dtype, wx.dtype, wh.dtype, b.dtype], state: state, names: cell.stateNames, n: n, h: h,
      fail: fail)
  }

  /// Checks the state arrays (N,H) and returns promote(inputs, state), with float32 standing in
  /// for a missing state.
  private static func computationDtype(
    _ inputs: [DType], state: [String: ArraySignature], names stateNames: [String], n: Int, h: Int,
    fail: (String) -> LayerError
  ) throws -> DType {
    var dtype = inputs.dropFirst().reduce(inputs[0]) { DType.promote($0, $1) }
    for (name, signature) in state.sorted(by: { $0.key < $1.key }) {
      guard stateNames.contains(name) else {
        throw fail("takes state \(stateNames.joined(separator: " and ")), not \(name)")
      }
      guard signature.shape == [n, h] else {
        throw fail(
          "expects state \(name) of shape (N,H) = \(spell([n, h])), got \(spell(signature.shape))")
      }
      dtype = DType.promote(dtype, signature.dtype)
    }
    if state.count < stateNames.count { dtype = DType.promote(dtype, LayerBuffers.float) }
    guard dtype.isLayerFloat else {
      throw fail(
        "computes in \(dtype) (NumPy's promotion of its inputs); only float32 and float64 are supported"
      )
    }
    return dtype
  }

  /// hs (N,T,H): always float32, the book's `'f'` buffer (``LayerBuffers``).
  var output: ArraySignature { ArraySignature(shape: [n, t, h], dtype: LayerBuffers.float) }
}

/// A shape as the error messages spell it, without spaces: `(3,20)`, `(20,)`.
func spell(_ shape: [Int]) -> String { LayerCheck.spell(shape.map(String.init)) }

extension Dictionary where Key == String, Value == NDArray {
  /// The signatures of the arrays, for shape checks that need no values.
  var signatures: [String: ArraySignature] { mapValues { ArraySignature($0) } }
}
