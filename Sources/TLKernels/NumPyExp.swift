internal import CTLMath

/// NumPy's float32 `np.exp`, bit for bit: the algorithm of `simd_exp_FLOAT` in NumPy 2.4's
/// `numpy/_core/src/umath/loops_exponent_log.dispatch.c.src` (the AVX2/FMA3 loop the fixtures were
/// made with, and, with the same bits, its AVX-512F twin), with its constants from
/// `npy_simd_data.h`. Every lane is independent of the others, so NumPy gives each element the
/// same bits whatever the array's length, alignment or stride, and so does this.
///
/// Per element x: NaN → NaN (0x7FC0_0000), x ≥ 88.72283935546875 → +inf, x ≤ −103.972084… → +0;
/// otherwise quadrant q = rint(x·log2 e) (by adding and subtracting 1.5·2²³), the reduced
/// r = fma(q, c₂, fma(q, c₁, x)) (Cody–Waite, ln 2 = −(c₁ + c₂)), the rational P₅(r)/Q₂(r) with
/// Horner steps in fused multiply-adds, and the quotient scaled by 2^q: by adding q to its
/// exponent bits, or, where q ≤ −125 (a subnormal result), by scaling to 2⁻¹²⁵ and dividing by
/// 2^(−125−q).
///
/// The buffer calls (``expShifted(_:minus:into:count:)``, ``sigmoid(_:into:count:)``) run
/// NumPy's loop itself, transcribed in C (CTLMath), where the CPU has AVX2 and FMA3
/// (``NumPyMathPath``); what follows is the Swift path, the fallback and the reference.
///
/// Without FMA hardware (Swift's baseline x86-64 has none), each fused multiply-add a·b + c of
/// floats is computed in double, where a·b is exact, and rounded to float; that equals the fused
/// result unless the double sum falls exactly on a midpoint between two floats (a double rounding).
/// A block with such a lane (rare: about one input in 10⁷, more among inputs with few significant
/// bits such as −0.25) is recomputed element by element with `Float.addingProduct` (the C
/// library's correctly rounded `fmaf`). Checked against NumPy over all 2³² float32 inputs
/// (docs/layers.md §10).
@usableFromInline package enum NumPyExp {
  @usableFromInline package typealias Lanes = SIMD8<Float>
  @usableFromInline typealias Wide = SIMD8<Double>

  // NumPy's constants as the C compiler rounds its literals (bit patterns, so that no literal is
  // rounded twice on its way to float).
  /// 88.72283935546875f: from here on +inf.
  @inlinable static var xmax: Float { Float(bitPattern: 0x42B1_7218) }
  /// −103.97208404541015625f: from here down +0.
  @inlinable static var xmin: Float { Float(bitPattern: 0xC2CF_F1B5) }
  /// NPY_LOG2Ef.
  @inlinable static var log2e: Float { Float(bitPattern: 0x3FB8_AA3B) }
  /// NPY_RINT_CVT_MAGICf, 1.5·2²³.
  @inlinable static var magic: Float { Float(bitPattern: 0x4B40_0000) }
  /// NPY_CODY_WAITE_LOGE_2_HIGHf, −0x1.62e4p−1 (14 bits: q·c1 is exact in float for |q| ≤ 2¹⁰).
  @inlinable static var c1: Float { Float(bitPattern: 0xBF31_7200) }
  /// NPY_CODY_WAITE_LOGE_2_LOWf.
  @inlinable static var c2: Float { Float(bitPattern: 0xB5BF_BE8E) }
  /// NPY_COEFF_P0_EXPf … P5 (P0 = 1) and Q1, Q2 (Q0 = 1).
  @inlinable static var p1: Float { Float(bitPattern: 0x3F39_CBD5) }
  @inlinable static var p2: Float { Float(bitPattern: 0x3E7D_4C58) }
  @inlinable static var p3: Float { Float(bitPattern: 0x3D51_7D8C) }
  @inlinable static var p4: Float { Float(bitPattern: 0x3BDD_7159) }
  @inlinable static var p5: Float { Float(bitPattern: 0x3A05_3DD8) }
  @inlinable static var q1: Float { Float(bitPattern: 0xBE8C_6857) }
  @inlinable static var q2: Float { Float(bitPattern: 0x3CB0_E832) }
  /// NPY_NANF, the NaN NumPy writes for every NaN input.
  @inlinable static var nan: Float { Float(bitPattern: 0x7FC0_0000) }

  /// dst[j] = np.exp(src[j] − shift) for j < count (the subtraction in float32 first, as the
  /// book's softmax does); `dst` may be `src`. NumPy's AVX2/FMA3 loop in C where the CPU has it
  /// (``NumPyMathPath``), else ``expShiftedInSwift(_:minus:into:count:)``: the same bits.
  @usableFromInline
  package static func expShifted(
    _ src: UnsafePointer<Float>, minus shift: Float, into dst: UnsafeMutablePointer<Float>, count: Int
  ) {
    if NumPyMathPath.usesC,
      expShiftedInC(src, minus: shift, into: dst, count: count, sixteenLanes: NumPyMathPath.hasAVX512F)
    {
      return
    }
    expShiftedInSwift(src, minus: shift, into: dst, count: count)
  }

  /// ``expShifted(_:minus:into:count:)`` in NumPy's AVX2 loop (eight lanes at a time), or its
  /// AVX-512F twin (sixteen, the same arithmetic per lane) with `sixteenLanes`; false (nothing
  /// done) where the CPU lacks the instructions asked for. The tests compare the two here.
  package static func expShiftedInC(
    _ src: UnsafePointer<Float>, minus shift: Float, into dst: UnsafeMutablePointer<Float>, count: Int,
    sixteenLanes: Bool
  ) -> Bool {
    #if arch(x86_64)
      guard NumPyMathPath.hasAVX2FMA, !sixteenLanes || NumPyMathPath.hasAVX512F else { return false }
      if sixteenLanes {
        CTLMath_exp_shifted_f32_avx512(src, shift, dst, count)
      } else {
        CTLMath_exp_shifted_f32(src, shift, dst, count)
      }
      return true
    #else
      return false
    #endif
  }

  /// ``sigmoid(_:into:count:)`` in C, eight or sixteen lanes at a time, as
  /// ``expShiftedInC(_:minus:into:count:sixteenLanes:)``.
  package static func sigmoidInC(
    _ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int, sixteenLanes: Bool
  ) -> Bool {
    #if arch(x86_64)
      guard NumPyMathPath.hasAVX2FMA, !sixteenLanes || NumPyMathPath.hasAVX512F else { return false }
      if sixteenLanes {
        CTLMath_sigmoid_f32_avx512(src, dst, count)
      } else {
        CTLMath_sigmoid_f32(src, dst, count)
      }
      return true
    #else
      return false
    #endif
  }

  /// dst[j] = 1/(1 + np.exp(−src[j])) in float32 for j < count, the book's sigmoid with NumPy's
  /// bits; `dst` may be `src`. C or Swift as ``expShifted(_:minus:into:count:)``.
  @usableFromInline
  package static func sigmoid(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    if NumPyMathPath.usesC, sigmoidInC(src, into: dst, count: count, sixteenLanes: NumPyMathPath.hasAVX512F) {
      return
    }
    var j = 0
    while j + Lanes.scalarCount <= count {
      let x = UnsafeRawPointer(src + j).loadUnaligned(as: Lanes.self)
      UnsafeMutableRawPointer(dst + j).storeBytes(of: VectorExp.sigmoid(x), as: Lanes.self)
      j += Lanes.scalarCount
    }
    while j < count {
      dst[j] = 1 / (1 + exp(-src[j]))
      j += 1
    }
  }

  /// ``expShifted(_:minus:into:count:)`` in Swift: the portable path and the C loop's reference.
  @inlinable
  package static func expShiftedInSwift(
    _ src: UnsafePointer<Float>, minus shift: Float, into dst: UnsafeMutablePointer<Float>, count: Int
  ) {
    let s = Lanes(repeating: shift)
    var j = 0
    while j + Lanes.scalarCount <= count {
      let x = UnsafeRawPointer(src + j).loadUnaligned(as: Lanes.self) - s
      UnsafeMutableRawPointer(dst + j).storeBytes(of: exp(x), as: Lanes.self)
      j += Lanes.scalarCount
    }
    if j < count {
      var x = Lanes(repeating: 0)
      for k in 0..<count - j { x[k] = src[j + k] - shift }
      let y = exp(x)
      for k in 0..<count - j { dst[j + k] = y[k] }
    }
  }

  /// np.exp of one float32: the vector path's arithmetic on one lane, in scalars.
  @inlinable
  package static func exp(_ input: Float) -> Float {
    if input.isNaN { return nan }
    if input >= xmax { return .infinity }
    if input <= xmin { return 0 }
    let shifted = input * log2e + magic
    let quadrant = shifted - magic
    let n = Int32(bitPattern: shifted.bitPattern &- 0x4B40_0000)
    let r = Double(Float(Double(input + quadrant * c1) + Double(quadrant) * Double(c2)))
    var midpoint = false
    var num = fused(Double(p5), r, Double(p4), &midpoint)
    num = fused(num, r, Double(p3), &midpoint)
    num = fused(num, r, Double(p2), &midpoint)
    num = fused(num, r, Double(p1), &midpoint)
    num = fused(num, r, 1, &midpoint)
    let den = fused(fused(Double(q2), r, Double(q1), &midpoint), r, 1, &midpoint)
    if midpoint { return scalar(input) }
    return scaled(Lanes(repeating: Float(num) / Float(den)), by: SIMD8<Int32>(repeating: n))[0]
  }

  /// RN_float(a·b + c) for float values in doubles, as a double; `midpoint` is set where the
  /// double sum lies exactly between two floats (see the vector form).
  @inlinable @inline(__always)
  static func fused(_ a: Double, _ b: Double, _ c: Double, _ midpoint: inout Bool) -> Double {
    let s = a * b + c
    if s.bitPattern & 0x1FFF_FFFF == 0x1000_0000 { midpoint = true }
    return Double(Float(s))
  }

  /// np.exp in every lane.
  @inlinable
  package static func exp(_ input: Lanes) -> Lanes {
    let (x, nan, high, low) = clamped(input)
    let shifted = x * Lanes(repeating: log2e) + Lanes(repeating: magic)
    let quadrant = shifted - Lanes(repeating: magic)
    // q as an integer: the sum's low mantissa bits (offset by the magic's own bits).
    let n = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    // fma(q, c1, x): q·c1 is exact in float, so one rounded float addition is the fused result.
    let r1 = x + quadrant * Lanes(repeating: c1)
    // fma(q, c2, r1): exact in double (|q·c2| has 32 bits, r1 + q·c2 fewer than 53), rounded once.
    let r = Wide(Lanes(Wide(r1) + Wide(quadrant) * Wide(repeating: Double(c2))))
    // (NumPy's third step, fma(q, 0, r), changes only the sign of a zero r; P(±0), Q(±0) agree.)
    var flag = SIMD8<UInt64>(repeating: 0)
    var num = fused(Wide(repeating: Double(p5)), r, Double(p4), &flag)
    num = fused(num, r, Double(p3), &flag)
    num = fused(num, r, Double(p2), &flag)
    num = fused(num, r, Double(p1), &flag)
    num = fused(num, r, 1, &flag)
    var den = fused(Wide(repeating: Double(q2)), r, Double(q1), &flag)
    den = fused(den, r, 1, &flag)
    let midpoints = flag & SIMD8<UInt64>(repeating: 1 << 63)
    if (midpoints[0] | midpoints[1] | midpoints[2] | midpoints[3] | midpoints[4] | midpoints[5]
      | midpoints[6] | midpoints[7]) != 0
    {
      var y = Lanes()
      for k in 0..<Lanes.scalarCount { y[k] = scalar(input[k]) }
      return y
    }
    let y = scaled(Lanes(num) / Lanes(den), by: n)
    return y.replacing(with: Self.nan, where: nan).replacing(with: .infinity, where: high)
      .replacing(with: 0, where: low)
  }

  /// NaN, overflow and underflow lanes, and x with those lanes set to 0 (as NumPy computes them).
  @inlinable @inline(__always)
  static func clamped(_ x: Lanes) -> (Lanes, SIMDMask<SIMD8<Int32>>, SIMDMask<SIMD8<Int32>>, SIMDMask<SIMD8<Int32>>) {
    let nan = x .!= x
    let zeroed = x.replacing(with: 0, where: nan)
    let high = zeroed .>= Lanes(repeating: xmax)
    let low = zeroed .<= Lanes(repeating: xmin)
    return (zeroed.replacing(with: 0, where: high .| low), nan, high, low)
  }

  /// RN_float(a·b + c) for float values a, b, c held in doubles, returned as a double; `flag`
  /// gets bit 63 set in a lane whose double sum lies exactly between two floats.
  @inlinable @inline(__always)
  static func fused(_ a: Wide, _ b: Wide, _ c: Double, _ flag: inout SIMD8<UInt64>) -> Wide {
    fused(a, b, Wide(repeating: c), &flag)
  }

  /// ``fused(_:_:_:_:)-(_,_,Double,_)`` with an addend per lane.
  @inlinable @inline(__always)
  static func fused(_ a: Wide, _ b: Wide, _ c: Wide, _ flag: inout SIMD8<UInt64>) -> Wide {
    let s = a * b + c
    // A midpoint has 0x1000_0000 in the 29 bits below float precision; v − 1 is negative then only.
    let below = unsafeBitCast(s, to: SIMD8<UInt64>.self) & SIMD8<UInt64>(repeating: 0x1FFF_FFFF)
    flag |= (below ^ SIMD8<UInt64>(repeating: 0x1000_0000)) &- 1
    // Veltkamp's split rounds to 24 bits, to nearest (ties, the flagged midpoints, aside).
    let t = s * Wide(repeating: 0x1p29 + 1)
    return t - (t - s)
  }

  /// poly·2ⁿ as NumPy's AVX2 `fma_scalef_ps`: n added to the exponent bits, or for n ≤ −125
  /// poly·2⁻¹²⁵ (exponent bits) divided by 2^(−125−n), one rounding into the subnormals.
  @inlinable @inline(__always)
  static func scaled(_ poly: Lanes, by n: SIMD8<Int32>) -> Lanes {
    let bits = unsafeBitCast(poly, to: SIMD8<Int32>.self)
    let subnormal = n .<= SIMD8<Int32>(repeating: -125)
    guard any(subnormal) else { return unsafeBitCast(bits &+ (n &<< 23), to: Lanes.self) }
    let at125 = unsafeBitCast(bits &+ (pointwiseMax(n, SIMD8<Int32>(repeating: -125)) &<< 23), to: Lanes.self)
    let divisor = (SIMD8<Int32>(repeating: -125) &- n).replacing(with: 0, where: .!subnormal)
    let scaledDown = at125 / unsafeBitCast((divisor &+ 127) &<< 23, to: Lanes.self)
    return at125.replacing(with: scaledDown, where: subnormal)
  }

  /// One element with true fused multiply-adds (`fmaf`): the reference of the vector path and
  /// its fallback at double-rounding midpoints.
  @usableFromInline
  static func scalar(_ input: Float) -> Float {
    if input.isNaN { return nan }
    if input >= xmax { return .infinity }
    if input <= xmin { return 0 }
    let quadrant = (input * log2e + magic) - magic
    var r = input.addingProduct(quadrant, c1)
    r = r.addingProduct(quadrant, c2)
    r = r.addingProduct(quadrant, 0)
    var num = p4.addingProduct(p5, r)
    for c in [p3, p2, p1, 1] { num = c.addingProduct(num, r) }
    let den = Float(1).addingProduct(q1.addingProduct(q2, r), r)
    return scaled(Lanes(repeating: num / den), by: SIMD8<Int32>(repeating: Int32(quadrant)))[0]
  }
}
