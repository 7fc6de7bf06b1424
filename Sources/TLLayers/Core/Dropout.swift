import TLArray

/// Ports the book's `Dropout` (common/layers.py): the older, *non-inverted* dropout.
///
/// Training: mask = (uniform[0,1) draw > ratio), a **bool** array of x's shape; out = x ⊙ mask in
/// x's dtype; backward dout ⊙ mask. Eval (`train: false`): out = x·(1 − ratio), and backward
/// dout·(1 − ratio) (the book raises TypeError there; this is the gradient of its eval forward).
/// The mask is the one given, or drawn from NumPy's legacy RNG seeded with `seed`.
public final class Dropout: Layer {
  public let typeName = "Dropout"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  public let ratio: Double
  public let train: Bool
  /// The mask of the last training forward (the given one, or drawn).
  public private(set) var mask: NDArray?
  private let givenMask: NDArray?
  private var random: LegacyRandom
  private let check: LayerCheck

  /// `mask` replaces the random draw (the book stores a bool mask); `seed` is what
  /// `np.random.seed(seed)` would set before the forward.
  public init(
    ratio: Double = 0.5, mask: NDArray? = nil, train: Bool = true, seed: UInt32 = 0,
    name: String = "dropout"
  ) {
    self.ratio = ratio
    self.train = train
    givenMask = mask
    random = LegacyRandom(seed: seed)
    check = LayerCheck(layer: name, type: typeName)
  }

  /// Checks x, and the given mask against x's shape; returns x's signature.
  static func infer(x: ArraySignature, ratio: Double, mask: NDArray?, check: LayerCheck) throws
    -> ArraySignature
  {
    try check.float("x", x.dtype)
    guard ratio >= 0, ratio < 1 else { throw check.error("expects ratio in [0, 1), got \(ratio)") }
    if let mask {
      try check.shape("mask", mask.shape, x.shape.map { .size($0) })
      guard DType.promote(x.dtype, mask.dtype) == x.dtype else {
        throw check.error("expects a bool mask (as the book stores it), got \(mask.dtype)")
      }
    }
    return x
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(x: ArraySignature(x), ratio: ratio, mask: givenMask, check: check)
    guard train else { return Kernel.scaled(x, by: 1.0 - ratio) }
    let mask = givenMask ?? drawMask(shape: x.shape)
    self.mask = mask
    return Kernel.multiply(x, mask)
  }

  /// `np.random.rand(*shape) > ratio` as a bool array.
  private func drawMask(shape: [Int]) -> NDArray {
    let keep = (0..<Shape.count(shape)).map { _ in random.nextDouble() > ratio }
    return NDArray(shape: shape, scalars: keep)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    try check.float("dout", dout.dtype)
    guard train else { return Kernel.scaled(dout, by: 1.0 - ratio) }
    guard let mask else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, mask.shape.map { .size($0) })
    return Kernel.multiply(dout, mask)
  }

  public var extraOutputs: [(name: String, array: NDArray)] { mask.map { [("mask", $0)] } ?? [] }
}

extension LayerKind {
  /// Dropout: no params; options ratio (0.5), mask (bool, as the book stores it), train (true).
  static let dropout = LayerKind.core(
    "Dropout", dropout: true,
    infer: { config, x, check in
      try Dropout.infer(x: x, ratio: config.ratio ?? 0.5, mask: config.mask, check: check)
    },
    make: { config, _ in
      Dropout(
        ratio: config.ratio ?? 0.5, mask: config.mask, train: config.train, seed: config.seed ?? 0,
        name: config.name)
    })
}
