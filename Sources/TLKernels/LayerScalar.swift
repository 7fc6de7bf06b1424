import Foundation
import TLArray

/// The two float types layers compute in: BLAS-capable and stored unboxed in an ``NDArray``.
///
/// The elementary functions are the C library's (`tanhf`, `exp`/`log`/`tanh`), except the
/// float32 exp and log, which are NumPy's own (``NumPyExp``, ``NumPyLog``, bit for bit: softmax,
/// sigmoid, the losses' logs); NumPy's SIMD float32 tanh differs from the C library's by a few
/// ULP (docs/layers.md §10); float64 agrees to ~1e-16. The per-element functions are inlinable,
/// so a layer's loop specialised to Float calls them directly.
@usableFromInline package protocol LayerScalar: BLASScalar, NDElement {
  /// e^x in this precision.
  static func exp(_ x: Self) -> Self
  /// The natural logarithm in this precision.
  static func log(_ x: Self) -> Self
  /// The hyperbolic tangent in this precision.
  static func tanh(_ x: Self) -> Self
  /// dst[j] = e^(src[j] − shift) for j < count; `dst` may be `src`.
  static func expShifted(
    _ src: UnsafePointer<Self>, minus shift: Self, into dst: UnsafeMutablePointer<Self>, count: Int)
  /// dst[j] += src[j] for j < count, in this precision (one call per row: the loop is the
  /// concrete type's even where the caller is generic).
  static func add(_ src: UnsafePointer<Self>, into dst: UnsafeMutablePointer<Self>, count: Int)
}

extension Float: LayerScalar {
  @inlinable @inline(__always) package static func exp(_ x: Float) -> Float { NumPyExp.exp(x) }
  @inlinable @inline(__always) package static func log(_ x: Float) -> Float { NumPyLog.log(x) }
  @inlinable @inline(__always) package static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
  @usableFromInline package static func expShifted(
    _ src: UnsafePointer<Float>, minus shift: Float, into dst: UnsafeMutablePointer<Float>,
    count: Int
  ) { NumPyExp.expShifted(src, minus: shift, into: dst, count: count) }
  @usableFromInline package static func add(
    _ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int
  ) { for j in 0..<count { dst[j] += src[j] } }
}

extension Double: LayerScalar {
  @inlinable @inline(__always) package static func exp(_ x: Double) -> Double { Foundation.exp(x) }
  @inlinable @inline(__always) package static func log(_ x: Double) -> Double { Foundation.log(x) }
  @inlinable @inline(__always) package static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
  /// Element by element: float64 has no vector path (NumPy's own float64 exp is the C
  /// library's on machines without AVX-512).
  @usableFromInline package static func expShifted(
    _ src: UnsafePointer<Double>, minus shift: Double, into dst: UnsafeMutablePointer<Double>,
    count: Int
  ) { for j in 0..<count { dst[j] = Foundation.exp(src[j] - shift) } }
  @usableFromInline package static func add(
    _ src: UnsafePointer<Double>, into dst: UnsafeMutablePointer<Double>, count: Int
  ) { for j in 0..<count { dst[j] += src[j] } }
}

extension LayerScalar {
  /// The book's sigmoid, 1/(1+e^(−x)), unstabilised and in this precision (functions.py).
  @inlinable @inline(__always) package static func sigmoid(_ x: Self) -> Self { 1 / (1 + exp(-x)) }
}

extension DType {
  /// Whether layers can compute in this dtype (float32 or float64; float16 is not supported).
  @inlinable package var isLayerFloat: Bool { self == .float32 || self == .float64 }

  /// Runs the `float` body for float32 and the `double` body for float64: the one switch that
  /// turns a runtime dtype into a specialised generic call, `byFloat(float: { f(Float.self) },
  /// double: { f(Double.self) })`. Any other dtype is a programmer error (`infer` rejects it).
  @inlinable @inline(__always)
  package func byFloat<R>(float: () throws -> R, double: () throws -> R) rethrows -> R {
    switch self {
    case .float32: return try float()
    case .float64: return try double()
    default: preconditionFailure("layers compute in float32 or float64, not \(self)")
    }
  }

  /// NumPy's result dtype of several arrays (`np.result_type(a, b, c)`).
  @usableFromInline package static func promote(_ first: DType, _ rest: DType...) -> DType {
    rest.reduce(first) { promote($0, $1) }
  }
}
