import Foundation

/// σ and tanh for float32 eight lanes at a time: σ for the Swift path of
/// ``NumPyExp/sigmoid(_:into:count:)``, tanh for the LSTM's g and tanh(c). σ is the book's
/// 1/(1+e^(−x)) on NumPy's own float32 exp (``NumPyExp``), so it has NumPy's bits; tanh is
/// Cephes' `tanhf` on an exp of its own (``cephesExp(_:)``), within 2 ULP of the C library's
/// `tanhf` and a few ULP from NumPy's SIMD tanh (docs/layers.md §10).
@usableFromInline package enum VectorExp {
  @usableFromInline package typealias Lanes = SIMD8<Float>

  /// The range of ``cephesExp(_:)``.
  @usableFromInline package static let low: Float = -86, high: Float = 88

  /// e^x in every lane, or nil when a lane is outside [low, high] or NaN: Cody–Waite reduction
  /// x = n·ln2 + r and Cephes' degree-6 polynomial for e^r (Cephes `expf`), then 2ⁿ added into
  /// the exponent bits; within 1 ULP of the C library's `expf` (the tests sweep 2²⁰ points).
  /// Only ``tanh(_:)`` uses it; the layers' float32 exp is ``NumPyExp``.
  @inlinable @inline(__always)
  package static func cephesExp(_ x: Lanes) -> Lanes? {
    guard all(x .>= Lanes(repeating: low) .& x .<= Lanes(repeating: high)) else { return nil }
    // n = round(x·log2 e), by the 1.5·2²³ trick: the sum's low mantissa bits hold n.
    let magic = Lanes(repeating: 12_582_912)
    let shifted = x * Lanes(repeating: 1.442_695_04) + magic
    let n = shifted - magic
    // r = x − n·ln2 in two steps (ln2 = c1 + c2, c1 with few bits so n·c1 is exact).
    var r = x - n * Lanes(repeating: 0.693_359_375)
    r = r - n * Lanes(repeating: -2.121_944_4e-4)
    var p = Lanes(repeating: 1.987_569_150_0e-4)
    p = p * r + Lanes(repeating: 1.398_199_950_7e-3)
    p = p * r + Lanes(repeating: 8.333_451_907_3e-3)
    p = p * r + Lanes(repeating: 4.166_579_589_4e-2)
    p = p * r + Lanes(repeating: 1.666_666_545_9e-1)
    p = p * r + Lanes(repeating: 5.000_000_120_1e-1)
    let y = p * (r * r) + r + Lanes(repeating: 1)
    // y·2ⁿ: n sits in the low bits of `shifted` (offset by the magic's own 0x4B40_0000).
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000) &<< 23
    return unsafeBitCast(unsafeBitCast(y, to: SIMD8<Int32>.self) &+ exponent, to: Lanes.self)
  }

  /// The book's σ(x) = 1/(1+np.exp(−x)) in every lane, with NumPy's float32 bits.
  @inlinable @inline(__always)
  package static func sigmoid(_ x: Lanes) -> Lanes {
    Lanes(repeating: 1) / (Lanes(repeating: 1) + NumPyExp.exp(-x))
  }

  /// tanh in every lane (Cephes `tanhf`: an odd polynomial below |x| = 0.625, 1 − 2/(e^(2|x|)+1)
  /// above, with e^(2|x|) capped where tanh is ±1 in float32 anyway), or nil for a NaN lane.
  /// Within 2 ULP of the C library's `tanhf` (the tests sweep it).
  @inlinable @inline(__always)
  package static func tanh(_ x: Lanes) -> Lanes? {
    guard all(x .== x) else { return nil }
    let z = x * x
    var p = Lanes(repeating: -5.704_988_727_45e-3)
    p = p * z + Lanes(repeating: 2.063_908_879_54e-2)
    p = p * z + Lanes(repeating: -5.373_971_555_31e-2)
    p = p * z + Lanes(repeating: 1.333_144_220_36e-1)
    p = p * z + Lanes(repeating: -3.333_328_194_22e-1)
    let small = p * z * x + x
    let magnitude = pointwiseMin(abs(x) * Lanes(repeating: 2), Lanes(repeating: high))
    guard let e = cephesExp(magnitude) else { return nil }
    let large = Lanes(repeating: 1) - Lanes(repeating: 2) / (e + Lanes(repeating: 1))
    let chosen = small.replacing(with: large, where: abs(x) .>= Lanes(repeating: 0.625))
    // tanh is odd: the magnitude with x's sign bit (which also keeps tanh(−0) = −0).
    let signBit = SIMD8<UInt32>(repeating: 0x8000_0000)
    return unsafeBitCast(
      unsafeBitCast(abs(chosen), to: SIMD8<UInt32>.self)
        | (unsafeBitCast(x, to: SIMD8<UInt32>.self) & signBit),
      to: Lanes.self)
  }

  @inlinable @inline(__always)
  static func abs(_ x: Lanes) -> Lanes {
    unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0x7FFF_FFFF), to: Lanes.self)
  }
}

/// A pointer of a generic loop seen as Float, read and written eight lanes at a time (only
/// for loops whose T is Float).
@usableFromInline package struct FloatLanes {
  @usableFromInline package let base: UnsafeMutablePointer<Float>
  @inlinable package init<T>(_ pointer: UnsafeMutablePointer<T>) {
    base = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
  }
  @inlinable package init<T>(_ pointer: UnsafePointer<T>) {
    base = UnsafeMutableRawPointer(mutating: pointer).assumingMemoryBound(to: Float.self)
  }
  @inlinable @inline(__always) package func load(_ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD8<Float>.self)
  }
  @inlinable @inline(__always) package func store(_ value: SIMD8<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(base + offset).storeBytes(of: value, as: SIMD8<Float>.self)
  }
}
