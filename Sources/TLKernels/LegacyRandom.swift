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
    var y = state[index]
    index += 1
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

  private mutating func twist() {
    state.withUnsafeMutableBufferPointer { state in
      for i in 0..<624 {
        let y = (state[i] & 0x8000_0000) | (state[i == 623 ? 0 : i + 1] & 0x7FFF_FFFF)
        var next = state[i < 227 ? i + 397 : i - 227] ^ (y >> 1)
        if y & 1 != 0 { next ^= 0x9908_B0DF }
        state[i] = next
      }
    }
    index = 0
  }
}
