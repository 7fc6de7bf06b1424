internal import CTLMath

/// The float32 LSTM step's elementwise part in AVX2 lanes (`Sources/CTLMath/lstm_cell.c`): the
/// gate sums, the cell update and the backward's gate gradients with the bits of the Swift
/// lanes (``VectorExp/tanh(_:)`` and the LSTM's `LSTMLanes`), which run each eight lanes as two
/// SSE halves.
///
/// The caller asks ``isUsed`` once for a row and then calls either these loops or its own for
/// all of it, so that a ``NumPyMathPath/withSwiftPath(_:)`` body starting meanwhile (in a test)
/// cannot split a row between the two. The loops may be called only where the CPU has them
/// (``isAvailable``, which ``isUsed`` implies).
package enum LSTMCellLanes {
  /// Whether the CPU can run these loops (AVX2; asked with FMA3, as the other C loops are).
  package static var isAvailable: Bool { NumPyMathPath.hasAVX2FMA }

  /// Whether a row should take these loops now: the CPU can, and no
  /// ``NumPyMathPath/withSwiftPath(_:)`` body is running.
  package static var isUsed: Bool { NumPyMathPath.usesC }

  /// One row's gate sums: x[j] = (x[j] + p[j]) + b[j] over the f block (`h` wide) and the i | o
  /// blocks (2h wide, from 2h), each add rounded (A = x·Wx + h·Wh + b).
  package static func addSums(
    _ x: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, _ b: UnsafePointer<Float>, h: Int
  ) {
    #if arch(x86_64)
      precondition(isAvailable, "LSTM lanes need AVX2")
      CTLMath_add3_f32(x, p, b, h)
      CTLMath_add3_f32(x + 2 * h, p + 2 * h, b + 2 * h, 2 * h)
    #else
      preconditionFailure("LSTM lanes need x86-64 with AVX2")
    #endif
  }

  /// One row's cell update from unit `from`, eight units at a time: g = tanh((x_g + p_g) + b_g),
  /// c = f·c_prev + g·i, tanhC = tanh(c), hNext = o·tanh(c), g stored back into x's g block
  /// (x: the row's gates [f | g | i | o], H = `h` wide each, f, i, o already σ'd). Returns the
  /// first unit it did not do: the start of a block whose g sum or c holds a NaN (nothing of
  /// it written), or of the last fewer than eight.
  package static func cell(
    x: UnsafeMutablePointer<Float>, p: UnsafePointer<Float>, b: UnsafePointer<Float>,
    cPrev: UnsafePointer<Float>, cNext: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
    hNext: UnsafeMutablePointer<Float>, h: Int, from: Int
  ) -> Int {
    #if arch(x86_64)
      precondition(isAvailable, "LSTM lanes need AVX2")
      return CTLMath_lstm_cell_f32(x, p, b, cPrev, cNext, tanhC, hNext, h, from)
    #else
      preconditionFailure("LSTM lanes need x86-64 with AVX2")
    #endif
  }

  /// One row of the backward step's gate gradients (the LSTM's `backwardStep` loop, its
  /// arithmetic in its order): ds = dc + (dh·o)·(1 − tanhC²), dc ← ds·f, and the gates
  /// [f | g | i | o] in `x` (H = `h` wide each) replaced by [df | dg | di | do].
  package static func cellBackward(
    x: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
    dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, h: Int
  ) {
    #if arch(x86_64)
      precondition(isAvailable, "LSTM lanes need AVX2")
      CTLMath_lstm_cell_backward_f32(x, cPrev, tanhC, dh, dc, h)
    #else
      preconditionFailure("LSTM lanes need x86-64 with AVX2")
    #endif
  }
}
