import Dispatch
import TLArray
import TLSystem

/// The float32/float64 statistics loop, at memory speed: SIMD lanes of min, max and a
/// `Double` sum over fixed chunks, with the plain element-by-element loop as the fallback for
/// any chunk holding NaN or ±Inf (rare; it counts them exactly).
///
/// Results equal the element-by-element loop's: the same min, max, NaN and Inf counts, and
/// the same sign of a zero min or max (see ``zeroSigns``); the mean's sum is added in a
/// different order (lanes, then chunks in order), which changes only its rounding (and, for
/// float64 sums near overflow, whether a partial sum overflows).
enum FloatStatisticsKernel {
  /// Elements per chunk: small enough that re-running one chunk element by element is cheap.
  static let defaultChunk = 1 << 14

  /// Arrays of at least this many elements are scanned by several threads.
  static let defaultParallelThreshold = 1 << 22

  /// min, max, NaN and Inf counts and mean of `values`.
  /// `chunk` and `parallelThreshold` are parameters only so that tests can exercise chunk
  /// boundaries and the split between threads on small arrays.
  static func statistics<F: StatisticsFloat>(
    _ values: UnsafeBufferPointer<F>, chunk: Int = defaultChunk,
    parallelThreshold: Int = defaultParallelThreshold
  ) -> ArrayStatistics {
    let tallies = chunkTallies(values, chunk: chunk, parallelThreshold: parallelThreshold)
    let total = tallies.reduce(into: Tally<F>()) { $0.append($1) }
    let valid = values.count - total.nan
    guard valid > 0 else {
      return ArrayStatistics(min: nil, max: nil, mean: nil, nanCount: total.nan, infCount: total.inf)
    }
    let (low, high) = zeroSigns(values, low: total.low, high: total.high)
    return ArrayStatistics(
      min: Double(low), max: Double(high), mean: total.sum / Double(valid),
      nanCount: total.nan, infCount: total.inf)
  }

  /// One tally per chunk, in order. Large arrays are split into one contiguous run of chunks
  /// per processor; the result does not depend on the split, because every chunk is tallied
  /// the same way and the caller adds the tallies up in chunk order.
  static func chunkTallies<F: StatisticsFloat>(
    _ values: UnsafeBufferPointer<F>, chunk: Int, parallelThreshold: Int
  ) -> [Tally<F>] {
    let chunks = (values.count + chunk - 1) / chunk
    let workers = values.count >= parallelThreshold ? min(Processors.available, chunks) : 1
    return [Tally<F>](unsafeUninitializedCapacity: chunks) { tallies, initialized in
      let output = UncheckedSendable(tallies)
      let input = UncheckedSendable(values)
      Processors.concurrentPerform(iterations: workers) { worker in
        for index in (chunks * worker / workers)..<(chunks * (worker + 1) / workers) {
          let end = min((index + 1) * chunk, input.value.count)
          let part = UnsafeBufferPointer(rebasing: input.value[(index * chunk)..<end])
          var tally = F.laneTally(part)
          if !tally.sum.isFinite { tally = Tally(scalarOver: part) }
          (output.value.baseAddress.unsafelyUnwrapped + index).initialize(to: tally)
        }
      }
      initialized = chunks
    }
  }

  /// The element-by-element loop keeps the first zero it meets as the min (`Swift.min` keeps
  /// its first argument on ties) and the last zero as the max (`Swift.max` takes its second),
  /// so a zero min or max takes the sign of the first or last zero, whatever the lanes found.
  static func zeroSigns<F: StatisticsFloat>(_ values: UnsafeBufferPointer<F>, low: F, high: F)
    -> (F, F)
  {
    let first = low == 0 ? values.first { $0 == 0 } : nil
    let last = high == 0 ? values.last { $0 == 0 } : nil
    return (first ?? low, last ?? high)
  }
}

/// Partial statistics of consecutive elements; `append` adds the next run's.
struct Tally<F: StatisticsFloat> {
  var low = F.infinity
  var high = -F.infinity
  var sum = 0.0
  var nan = 0
  var inf = 0

  init() {}

  init(low: F, high: F, sum: Double) {
    (self.low, self.high, self.sum) = (low, high, sum)
  }

  /// The reference loop: every element on its own, NaN skipped, Inf counted.
  init(scalarOver values: UnsafeBufferPointer<F>) {
    for v in values {
      if v.isNaN {
        nan += 1
        continue
      }
      if v.isInfinite { inf += 1 }
      low = Swift.min(low, v)
      high = Swift.max(high, v)
      sum += Double(v)
    }
  }

  mutating func append(_ next: Tally) {
    low = Swift.min(low, next.low)
    high = Swift.max(high, next.high)
    sum += next.sum
    nan += next.nan
    inf += next.inf
  }
}

/// A float element type with a SIMD statistics loop.
protocol StatisticsFloat: BinaryFloatingPoint & NDElement {
  /// min, max and sum of `values` in lanes; a non-finite sum means a NaN or Inf was seen and
  /// the caller must redo the chunk element by element (min and max are then meaningless).
  static func laneTally(_ values: UnsafeBufferPointer<Self>) -> Tally<Self>
}

extension Float: StatisticsFloat {
  static func laneTally(_ values: UnsafeBufferPointer<Float>) -> Tally<Float> {
    var low = SIMD8<Float>(repeating: .infinity), high = SIMD8<Float>(repeating: -.infinity)
    var sumA = SIMD4<Double>.zero, sumB = SIMD4<Double>.zero
    guard let base = values.baseAddress else { return Tally() }
    let raw = UnsafeRawPointer(base), lanes = values.count / 8
    for k in 0..<lanes {
      let v = raw.loadUnaligned(fromByteOffset: k * 32, as: SIMD8<Float>.self)
      // replace(where:) compiles to compare-and-blend; pointwiseMin/Max stay out-of-line calls.
      low.replace(with: v, where: v .< low)
      high.replace(with: v, where: v .> high)
      sumA += SIMD4<Double>(v.lowHalf)
      sumB += SIMD4<Double>(v.highHalf)
    }
    var tally = Tally<Float>(low: low.min(), high: high.max(), sum: (sumA + sumB).sum())
    tally.append(Tally(scalarOver: UnsafeBufferPointer(rebasing: values[(lanes * 8)...])))
    return tally
  }
}

extension Double: StatisticsFloat {
  static func laneTally(_ values: UnsafeBufferPointer<Double>) -> Tally<Double> {
    var low = SIMD4<Double>(repeating: .infinity), high = SIMD4<Double>(repeating: -.infinity)
    var sumA = SIMD4<Double>.zero, sumB = SIMD4<Double>.zero
    guard let base = values.baseAddress else { return Tally() }
    let raw = UnsafeRawPointer(base), pairs = values.count / 8
    for k in 0..<pairs {
      let a = raw.loadUnaligned(fromByteOffset: k * 64, as: SIMD4<Double>.self)
      let b = raw.loadUnaligned(fromByteOffset: k * 64 + 32, as: SIMD4<Double>.self)
      low.replace(with: a, where: a .< low)
      low.replace(with: b, where: b .< low)
      high.replace(with: a, where: a .> high)
      high.replace(with: b, where: b .> high)
      sumA += a
      sumB += b
    }
    var tally = Tally<Double>(low: low.min(), high: high.max(), sum: (sumA + sumB).sum())
    tally.append(Tally(scalarOver: UnsafeBufferPointer(rebasing: values[(pairs * 8)...])))
    return tally
  }
}
