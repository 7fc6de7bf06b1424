/// NumPy's legacy global RNG (`np.random.seed(s)`; `np.random.rand(...)`): MT19937 seeded with
/// `init_genrand`, each double built from two 32-bit outputs, so dropout masks drawn here equal
/// the book's bit for bit (docs/layers.md §5.8).
@usableFromInline package struct LegacyRandom {
  private var state = [UInt32](repeating: 0, count: 624)
  private var index = 624

  /// The generator `np.random.seed(seed)` sets up.
  @usableFromInline package init(seed: UInt32) {
    state[0] = seed
    for i in 1..<624 {
      state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
    }
  }

  /// The next tempered 32-bit output.
  @usableFromInline package mutating func nextUInt32() -> UInt32 {
    if index >= 624 { twist() }
    let y = state[index]
    index += 1
    return Self.tempered(y)
  }

  /// MT19937's tempering of one state word.
  @inline(__always) private static func tempered(_ word: UInt32) -> UInt32 {
    var y = word
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// One `np.random.rand()` value in [0, 1): ((a>>5)·2²⁶ + (b>>6)) / 2⁵³.
  @usableFromInline package mutating func nextDouble() -> Double {
    let a = Double(nextUInt32() >> 5)
    let b = Double(nextUInt32() >> 6)
    return (a * 67_108_864 + b) / 9_007_199_254_740_992
  }

  /// `(np.random.rand(count) > ratio).astype(np.float32) * scale` into `values` (the book's
  /// TimeDropout mask, C order): the same draws as `values.count` calls of ``nextDouble()``,
  /// in one pass over the state words without per-draw array checks (BetterRnnlm's three masks
  /// of 20×35×650: 42 → 9 ms). The comparison is in float64, as NumPy compares the doubles.
  package mutating func fillMask(_ values: UnsafeMutableBufferPointer<Float>, above ratio: Double, scale: Float) {
    var index = self.index
    state.withUnsafeMutableBufferPointer { state in
      guard let words = state.baseAddress else { return }
      @inline(__always) func next() -> UInt32 {
        if index >= 624 {
          Self.twist(words)
          index = 0
        }
        let y = words[index]
        index += 1
        return Self.tempered(y)
      }
      for k in values.indices {
        let a = Double(next() >> 5)
        let b = Double(next() >> 6)
        values[k] = (a * 67_108_864 + b) / 9_007_199_254_740_992 > ratio ? scale : 0
      }
    }
    self.index = index
  }

  private mutating func twist() {
    state.withUnsafeMutableBufferPointer { state in
      if let words = state.baseAddress { Self.twist(words) }
    }
    index = 0
  }

  /// MT19937's regeneration of its 624 state words, in place.
  private static func twist(_ state: UnsafeMutablePointer<UInt32>) {
    for i in 0..<624 {
      let y = (state[i] & 0x8000_0000) | (state[i == 623 ? 0 : i + 1] & 0x7FFF_FFFF)
      var next = state[i < 227 ? i + 397 : i - 227] ^ (y >> 1)
      if y & 1 != 0 { next ^= 0x9908_B0DF }
      state[i] = next
    }
  }
}
