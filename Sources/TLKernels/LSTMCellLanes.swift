internal import CTLMath

/// The float32 LSTM step's elementwise part in AVX2 lanes (`Sources/CTLMath/lstm_cell.c`) where
/// the CPU has them and no ``NumPyMathPath/withSwiftPath(_:)`` body runs: the gate sums and the
/// cell update with the bits of the Swift lanes (``VectorExp/tanh(_:)`` and the LSTM's
/// `LSTMLanes`), which run each eight lanes as two SSE halves. Both answer nil (and do
/// nothing) where the C loops cannot run; the caller then takes its Swift path.
package enum LSTMCellLanes {
  /// x[j] = (x[j] + p[j]) + b[j] for j < count (A = x·Wx + h·Wh + b, each add rounded).
  package static func addSums(
    _ x: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
  ) -> Bool {
    #if arch(x86_64)
      guard NumPyMathPath.usesC else { return false }
      CTLMath_add3_f32(x, p, b, count)
      return true
    #else
      return false
    #endif
  }

  /// One row's cell update from unit `from`, eight units at a time: g = tanh((x_g + p_g) + b_g),
  /// c = f·c_prev + g·i, tanhC = tanh(c), hNext = o·tanh(c), g stored back into x's g block
  /// (x: the row's gates [f | g | i | o], H = `h` wide each, f, i, o already σ'd). Returns the
  /// first unit it did not do: the start of a block whose g sum or c holds a NaN (nothing of
  /// it written), or of the last fewer than eight; nil where the C loops cannot run.
  package static func cell(
    x: UnsafeMutablePointer<Float>, p: UnsafePointer<Float>, b: UnsafePointer<Float>,
    cPrev: UnsafePointer<Float>, cNext: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
    hNext: UnsafeMutablePointer<Float>, h: Int, from: Int
  ) -> Int? {
    #if arch(x86_64)
      guard NumPyMathPath.usesC else { return nil }
      return CTLMath_lstm_cell_f32(x, p, b, cPrev, cNext, tanhC, hNext, h, from)
    #else
      return nil
    #endif
  }

  /// One row of the backward step's gate gradients (the LSTM's `backwardStep` loop, its
  /// arithmetic in its order): ds = dc + (dh·o)·(1 − tanhC²), dc ← ds·f, and the gates
  /// [f | g | i | o] in `x` (H = `h` wide each) replaced by [df | dg | di | do]. False (nothing
  /// done) where the C loops cannot run.
  package static func cellBackward(
    x: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
    dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, h: Int
  ) -> Bool {
    #if arch(x86_64)
      guard NumPyMathPath.usesC else { return false }
      CTLMath_lstm_cell_backward_f32(x, cPrev, tanhC, dh, dc, h)
      return true
    #else
      return false
    #endif
  }
}
