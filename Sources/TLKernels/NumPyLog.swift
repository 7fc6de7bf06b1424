internal import CTLMath

/// NumPy's float32 `np.log`, bit for bit: the algorithm of `simd_log_FLOAT` in NumPy 2.4's
/// `numpy/_core/src/umath/loops_exponent_log.dispatch.c.src` (the AVX2/FMA3 loop, the same file
/// and technique as ``NumPyExp``), with its constants from `npy_simd_data.h`.
///
/// Per element x: NaN → NaN (0x7FC0_0000), x < 0 (−inf too) → −NaN (0xFFC0_0000), ±0 → −inf,
/// +inf → +inf; otherwise x = m·2^e with m in [0.5, 1) (subnormals scaled by 2¹⁰⁰ first), and
/// where m ≤ √½, m doubled and e lowered by one; then with y = m − 1 (exact), the rational
/// P₅(y)/Q₅(y) by Horner in fused multiply-adds, and fma(e, ln 2, P/Q). The fused multiply-adds
/// are emulated as in ``NumPyExp`` (double, with `fmaf` where the double sum is a midpoint);
/// the buffer call runs NumPy's loop in C instead where the CPU has AVX2 and FMA3
/// (``NumPyMathPath``).
@usableFromInline package enum NumPyLog {
  @usableFromInline package typealias Lanes = SIMD8<Float>
  @usableFromInline typealias Wide = SIMD8<Double>

  // NumPy's constants (NPY_COEFF_P1…P5_LOGf, P0 = 0; Q1…Q5_LOGf, Q0 = 1; NPY_LOGE2f,
  // NPY_SQRT1_2f) as bit patterns.
  @inlinable static var p1: Float { 1 }
  @inlinable static var p2: Float { Float(bitPattern: 0x4007_361C) }
  @inlinable static var p3: Float { Float(bitPattern: 0x3FBD_70A9) }
  @inlinable static var p4: Float { Float(bitPattern: 0x3EC3_0333) }
  @inlinable static var p5: Float { Float(bitPattern: 0x3CD4_2BCD) }
  @inlinable static var q1: Float { Float(bitPattern: 0x4027_361C) }
  @inlinable static var q2: Float { Float(bitPattern: 0x401C_FE0D) }
  @inlinable static var q3: Float { Float(bitPattern: 0x3F7C_8AE4) }
  @inlinable static var q4: Float { Float(bitPattern: 0x3E1E_5BF3) }
  @inlinable static var q5: Float { Float(bitPattern: 0x3BC0_83DF) }
  @inlinable static var loge2: Float { Float(bitPattern: 0x3F31_7218) }
  @inlinable static var sqrtHalf: Float { Float(bitPattern: 0x3F35_04F3) }

  /// np.log of one float32: NumPy's loop on one element (as NumPy itself runs it for a strided
  /// output), in C or Swift as ``log(_:into:count:)``.
  @usableFromInline
  package static func log(_ x: Float) -> Float {
    var y = x
    withUnsafeMutablePointer(to: &y) { log($0, into: $0, count: 1) }
    return y
  }

  /// dst[j] = np.log(src[j]) for j < count; `dst` may be `src`. NumPy's AVX2/FMA3 loop in C
  /// where the CPU has it (``NumPyMathPath``), else ``log(_:)-(Lanes)`` eight lanes at a time.
  @usableFromInline
  package static func log(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    #if arch(x86_64)
      if NumPyMathPath.usesC {
        CTLMath_log_f32(src, dst, count)
        return
      }
    #endif
    var j = 0
    while j < count {
      let n = min(Lanes.scalarCount, count - j)
      var x = Lanes(repeating: 1)
      for k in 0..<n { x[k] = src[j + k] }
      let y = log(x)
      for k in 0..<n { dst[j + k] = y[k] }
      j += n
    }
  }

  /// np.log in every lane.
  @inlinable
  package static func log(_ input: Lanes) -> Lanes {
    let (e, y) = reduced(input)
    let r = Wide(y)
    var flag = SIMD8<UInt64>(repeating: 0)
    var num = NumPyExp.fused(Wide(repeating: Double(p5)), r, Double(p4), &flag)
    num = NumPyExp.fused(num, r, Double(p3), &flag)
    num = NumPyExp.fused(num, r, Double(p2), &flag)
    num = NumPyExp.fused(num, r, Double(p1), &flag)
    num = NumPyExp.fused(num, r, 0, &flag)
    var den = NumPyExp.fused(Wide(repeating: Double(q5)), r, Double(q4), &flag)
    den = NumPyExp.fused(den, r, Double(q3), &flag)
    den = NumPyExp.fused(den, r, Double(q2), &flag)
    den = NumPyExp.fused(den, r, Double(q1), &flag)
    den = NumPyExp.fused(den, r, 1, &flag)
    let quotient = Wide(Lanes(num) / Lanes(den))
    let sum = NumPyExp.fused(Wide(e), Wide(repeating: Double(loge2)), quotient, &flag)
    let midpoints = flag & SIMD8<UInt64>(repeating: 1 << 63)
    if (midpoints[0] | midpoints[1] | midpoints[2] | midpoints[3] | midpoints[4] | midpoints[5]
      | midpoints[6] | midpoints[7]) != 0
    {
      var out = Lanes()
      for k in 0..<Lanes.scalarCount { out[k] = scalar(input[k]) }
      return out
    }
    return special(Lanes(sum), input)
  }

  /// e and y = m − 1 as NumPy's `fma_get_exponent`/`fma_get_mantissa` and the √½ fold give them.
  @inlinable @inline(__always)
  static func reduced(_ input: Lanes) -> (e: Lanes, y: Lanes) {
    let x = input.replacing(with: 0, where: input .< 0)
    let subnormal = x .< Lanes(repeating: .leastNormalMagnitude)
    let scaled = x.replacing(with: x * Lanes(repeating: 0x1p100), where: subnormal)
    let bits = unsafeBitCast(scaled, to: SIMD8<UInt32>.self)
    var e = Lanes(unsafeBitCast((bits &>> 23), to: SIMD8<Int32>.self) &- 0x7E)
    e = e.replacing(with: e - 100, where: subnormal)
    var m = unsafeBitCast((bits & 0x7F_FFFF) | (126 << 23), to: Lanes.self)
    let fold = m .<= Lanes(repeating: sqrtHalf)
    m = m.replacing(with: m + m, where: fold)
    e = e.replacing(with: e - 1, where: fold)
    return (e, m - 1)
  }

  /// NumPy's results for NaN, negative, zero and +inf inputs, over `poly`.
  @inlinable @inline(__always)
  static func special(_ poly: Lanes, _ input: Lanes) -> Lanes {
    poly.replacing(with: NumPyExp.nan, where: input .!= input)
      .replacing(with: Float(bitPattern: 0xFFC0_0000), where: input .< 0)
      .replacing(with: -.infinity, where: input .== 0)
      .replacing(with: .infinity, where: input .== .infinity)
  }

  /// One element with true fused multiply-adds (`fmaf`): the reference of the vector path and
  /// its fallback at double-rounding midpoints.
  @usableFromInline
  static func scalar(_ input: Float) -> Float {
    let (e, y) = reduced(Lanes(repeating: input))
    let r = y[0]
    var num = p4.addingProduct(p5, r)
    for c in [p3, p2, p1, 0] { num = c.addingProduct(num, r) }
    var den = q4.addingProduct(q5, r)
    for c in [q3, q2, q1, 1] { den = c.addingProduct(den, r) }
    let poly = (num / den).addingProduct(e[0], loge2)
    return special(Lanes(repeating: poly), Lanes(repeating: input))[0]
  }
}
