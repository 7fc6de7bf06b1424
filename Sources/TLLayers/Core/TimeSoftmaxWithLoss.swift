import TLArray
import TLKernels

/// Ports the book's `TimeSoftmaxWithLoss` (common/time_layers.py): softmax cross-entropy over
/// xs (N,T,V) with labels ts (N,T) (or one-hot (N,T,V)), ignoring label −1.
///
/// loss = −(Σ_k mask_k · log ys[k, t_k]) / M with **no epsilon**, M the count of labels ≠ −1,
/// returned as a 0-d **float64** (the float32 sum divided by an int64 count, §5.7). backward:
/// dx = (ys − onehot)·dout/M ⊙ mask in xs's dtype; ignored rows become (signed) zeros. As in
/// the book, dx is computed in the cached softmax's own buffer (no N·T·V copy); the cache is
/// handed over, so a second backward needs a new forward (it throws, where the book would
/// silently return a wrong dx).
public final class TimeSoftmaxWithLoss: Layer {
  public let typeName = "TimeSoftmaxWithLoss"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  public let ts: NDArray
  private let check: LayerCheck
  private var cache: (ys: NDArray, labels: [Int], shape: [Int])?

  public init(ts: NDArray, name: String = "time_softmax_with_loss") {
    self.ts = ts
    check = LayerCheck(layer: name, type: typeName)
  }

  /// Checks xs (N,T,V) and the labels; returns the 0-d float64 loss signature.
  static func infer(xs: ArraySignature, ts: NDArray, check: LayerCheck) throws -> ArraySignature {
    try check.shape("xs", xs.shape, ["N", "T", "V"])
    try check.float("xs", xs.dtype)
    try Softmax.checkClasses("xs", xs.shape, check: check)
    _ = try Kernel.softmaxLabels(ts, scores: xs.shape, check: check)
    return ArraySignature(shape: [], dtype: .float64)
  }

  public func forward(_ xs: consuming NDArray) throws -> NDArray {
    _ = try Self.infer(xs: ArraySignature(copy xs), ts: ts, check: check)
    let labels = try Kernel.softmaxLabels(ts, scores: xs.shape, check: check)
    let (rows, v) = (xs.shape[0] * xs.shape[1], xs.shape[2])
    let shape = xs.shape
    // In xs's own memory when nothing else holds it (the chain hands it over), else in a copy.
    var ys = (consume xs).reshaped([rows, v])
    ys.dtype.byFloat(
      float: { Softmax.softmax(&ys, Float.self) }, double: { Softmax.softmax(&ys, Double.self) })
    cache = (ys, labels, shape)
    let total = ys.dtype.byFloat(
      float: { Double(Self.maskedLogSum(ys, labels, Float.self)) },
      double: { Self.maskedLogSum(ys, labels, Double.self) })
    return NDArray(scalar: -total / Double(Self.validCount(labels)))
  }

  /// Σ_k log(ys[k, t_k]) · mask_k in T, pairwise; ignored rows read the last column first, as the
  /// book does, so an underflowed probability there still makes NaN (−inf · 0).
  private static func maskedLogSum<T: LayerScalar>(_ ys: NDArray, _ labels: [Int], _: T.Type) -> T {
    let v = ys.shape[1]
    let ls = ys.withUnsafeBufferPointer(of: T.self) { p in
      labels.enumerated().map { k, t in T.log(p[k * v + (t < 0 ? t + v : t)]) * (t == -1 ? 0 : 1) }
    }
    return ls.withUnsafeBufferPointer { Kernel.sumAll($0) }
  }

  /// M, the number of labels that are not the ignore label −1.
  private static func validCount(_ labels: [Int]) -> Int { labels.lazy.filter { $0 != -1 }.count }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    let scale = try check.scalarDout(dout)
    guard case (let ys, let labels, let shape)? = cache else {
      throw check.error("backward needs a forward first (each forward's softmax serves one backward)")
    }
    cache = nil
    var dx = consume ys  // the only reference now: the gradient is written in place
    let count = Double(Self.validCount(labels))
    dx.dtype.byFloat(
      float: { Self.gradient(&dx, labels, scale, count, Float.self) },
      double: { Self.gradient(&dx, labels, scale, count, Double.self) })
    return dx.reshaped(shape)
  }

  /// dx ← ((ys − onehot)·dout / M) · mask in place; the division by the int64 count M is done
  /// in float64 and rounded back, as NumPy's in-place `dx /= mask.sum()` does. Rows in chunks
  /// on the cores (``Kernel/forEachRowRange(rows:work:threshold:_:)``); each element's
  /// arithmetic is the same whichever worker and lane computes it.
  private static func gradient<T: LayerScalar>(
    _ dx: inout NDArray, _ labels: [Int], _ dout: Double, _ count: Double, _: T.Type
  ) {
    let v = dx.shape[1]
    let scale = T(dout)
    dx.withUnsafeMutableBufferPointer(of: T.self) { buffer in
      guard let p = buffer.baseAddress else { return }
      Kernel.forEachRowRange(rows: labels.count, work: labels.count * v, threshold: Kernel.parallelElements) { rows in
        for k in rows {
          let t = labels[k]
          let row = p + k * v
          row[t < 0 ? t + v : t] -= 1
          let keep: T = t == -1 ? 0 : 1
          var j = 0
          if T.self == Float.self {
            j = GradientLanes.scale(
              UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self), count: v, by: Float(scale),
              dividedBy: count, keep: keep == 0 ? 0 : 1)
          }
          while j < v {
            row[j] = T(Double(row[j] * scale) / count) * keep
            j += 1
          }
        }
      }
    }
  }
}

extension LayerKind {
  /// TimeSoftmaxWithLoss: no params; xs (N,T,V); input ts (N,T) labels (−1 ignored) or one-hot.
  static let timeSoftmaxWithLoss = LayerKind.core(
    "TimeSoftmaxWithLoss", inputs: ["ts"], loss: true,
    infer: { config, xs, check in
      try TimeSoftmaxWithLoss.infer(xs: xs, ts: check.input(config, "ts"), check: check)
    },
    make: { config, check in
      try TimeSoftmaxWithLoss(ts: check.input(config, "ts"), name: config.name)
    })
}

/// The float32 loss gradient's scaling eight elements at a time: (x·scale) in float32, divided
/// by the count and multiplied by the mask, lane by lane the scalar loop's result.
///
/// The scalar loop divides in float64 and rounds back, as NumPy's `dx /= mask.sum()` (float32
/// by int64) does. Where the count is exactly a float32 (up to 2²⁴), a float32 division gives
/// the same bits at a third of the cost: both operands are float32, and rounding a quotient
/// first to 53 bits and then to 24 equals rounding it to 24 at once (53 ≥ 2·24 + 2; checked
/// for all 2³² inputs and the counts 1, 2, 3, 7, 96, 700, 11200, 65535 and 2²⁴ − 1, NaN bits
/// included). Larger counts keep the float64 division.
private enum GradientLanes {
  /// Scales the first multiple of eight of `count` elements in place; returns how many.
  static func scale(
    _ row: UnsafeMutablePointer<Float>, count: Int, by scale: Float, dividedBy divisor: Double, keep: Float
  ) -> Int {
    let lanes = FloatLanes(row)
    var j = 0
    if let single = Float(exactly: divisor), single <= 0x1p24 {
      while j + 8 <= count {
        lanes.store(lanes.load(j) * scale / single * keep, j)
        j += 8
      }
      return j
    }
    while j + 8 <= count {
      lanes.store(SIMD8<Float>(SIMD8<Double>(lanes.load(j) * scale) / divisor) * keep, j)
      j += 8
    }
    return j
  }
}
