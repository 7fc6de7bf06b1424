import TLArray
import Testing

/// A reusable finite-difference check of any layer's backward, in float64.
///
/// The layer's output is projected to a scalar L = Σ out ⊙ dout with a fixed dout, so the
/// analytic gradient of L with respect to an input or param is exactly what `backward(dout)`
/// returns (dx) or stores (grads). Central differences of L give the numeric gradient.
enum GradientCheck {
  /// L = Σ out ⊙ dout in Double (for a 0-d loss and dout = 1, the loss itself).
  static func projection(_ out: NDArray, _ dout: NDArray) -> Double {
    precondition(out.count == dout.count, "projection of \(out.shape) on \(dout.shape)")
    let a = out.astype(.float64).scalars(as: Double.self)
    let b = dout.astype(.float64).scalars(as: Double.self)
    return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// The numeric gradient of `loss` with respect to `arrays[name]` (float64), by central
  /// differences with step `eps`; `loss` rebuilds and runs the layer from the arrays it is given.
  static func numericGradient(
    _ name: String, of arrays: [String: NDArray], eps: Double = 1e-6,
    loss: ([String: NDArray]) throws -> Double
  ) throws -> NDArray {
    let base = try #require(arrays[name], "no array \(name)")
    precondition(
      base.dtype == .float64, "finite differences need float64, \(name) is \(base.dtype)")
    var gradient = [Double](repeating: 0, count: base.count)
    for i in 0..<base.count {
      var shifted = arrays
      func value(at delta: Double) throws -> Double {
        var array = base
        array.withUnsafeMutableBufferPointer(of: Double.self) { $0[i] += delta }
        shifted[name] = array
        return try loss(shifted)
      }
      gradient[i] = (try value(at: eps) - value(at: -eps)) / (2 * eps)
    }
    return NDArray(shape: base.shape, scalars: gradient)
  }

  /// Checks `analytic` against the numeric gradient of `loss` for `arrays[name]`: every element
  /// within `atol + rtol·|numeric|`. Returns the largest absolute difference.
  @discardableResult
  static func expectGradient(
    _ name: String, analytic: NDArray, of arrays: [String: NDArray], eps: Double = 1e-6,
    rtol: Double = 1e-6,
    atol: Double = 1e-8, sourceLocation: SourceLocation = #_sourceLocation,
    loss: ([String: NDArray]) throws -> Double
  ) throws -> Double {
    let numeric = try numericGradient(name, of: arrays, eps: eps, loss: loss)
    #expect(
      analytic.shape == numeric.shape, "\(name): shape \(analytic.shape) vs \(numeric.shape)",
      sourceLocation: sourceLocation)
    let a = analytic.astype(.float64).scalars(as: Double.self)
    let n = numeric.scalars(as: Double.self)
    var worst = 0.0
    for (i, (x, y)) in zip(a, n).enumerated() {
      worst = max(worst, abs(x - y))
      if abs(x - y) > atol + rtol * abs(y) {
        Issue.record(
          "d\(name)[\(i)]: analytic \(x) vs numeric \(y)", sourceLocation: sourceLocation)
        break
      }
    }
    return worst
  }
}
