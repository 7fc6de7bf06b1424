import TLArray
import TLKernels

/// Ports the book's `TimeDropout` (common/time_layers.py): *inverted* dropout on xs of any shape.
///
/// Training: keep = (uniform[0,1) draw > ratio); mask = float32(keep)·(1/(1 − ratio)), a
/// **float32** array of 0 and float32(scale); out = xs ⊙ mask in promote(xs, float32); backward
/// dout ⊙ mask. Eval (`train: false`) returns xs itself and backward returns dout (the book's
/// backward would reuse a stale mask). The mask is the one given or drawn from NumPy's legacy RNG.
public final class TimeDropout: Layer {
  public let typeName = "TimeDropout"
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

  /// `mask` replaces the random draw (the book stores float32 flg·scale); `seed` is what
  /// `np.random.seed(seed)` would set before the forward.
  public init(
    ratio: Double = 0.5, mask: NDArray? = nil, train: Bool = true, seed: UInt32 = 0,
    name: String = "time_dropout"
  ) {
    self.ratio = ratio
    self.train = train
    givenMask = mask
    random = LegacyRandom(seed: seed)
    check = LayerCheck(layer: name, type: typeName)
  }

  /// Checks xs and the given mask (same shape, float); returns the output's signature.
  static func infer(
    xs: ArraySignature, ratio: Double, mask: NDArray?, train: Bool, check: LayerCheck
  ) throws
    -> ArraySignature
  {
    try check.float("xs", xs.dtype)
    guard ratio >= 0, ratio < 1 else { throw check.error("expects ratio in [0, 1), got \(ratio)") }
    guard train else { return xs }
    if let mask {
      try check.shape("mask", mask.shape, xs.shape.map { .size($0) })
      try check.float("mask", mask.dtype)
    }
    return ArraySignature(shape: xs.shape, dtype: DType.promote(xs.dtype, mask?.dtype ?? .float32))
  }

  public func forward(_ xs: NDArray) throws -> NDArray {
    _ = try Self.infer(
      xs: ArraySignature(xs), ratio: ratio, mask: givenMask, train: train, check: check)
    guard train else { return xs }
    let mask = givenMask ?? drawMask(shape: xs.shape)
    self.mask = mask
    return Kernel.multiply(xs, mask)
  }

  /// `(np.random.rand(*shape) > ratio).astype(np.float32) * scale`, scale = 1/(1.0 − ratio).
  private func drawMask(shape: [Int]) -> NDArray { DropoutMaskStream.mask(shape: shape, ratio: ratio, &random) }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    try check.float("dout", dout.dtype)
    guard train else { return dout }
    guard let mask else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, mask.shape.map { .size($0) })
    return Kernel.multiply(dout, mask)
  }

  public var extraOutputs: [(name: String, array: NDArray)] { mask.map { [("mask", $0)] } ?? [] }
}

extension LayerKind {
  /// TimeDropout: no params; options ratio (0.5), mask (float32 flg·scale), train (true), seed (0).
  static let timeDropout = LayerKind.core(
    "TimeDropout", options: [.dropoutRatio, .timeDropoutMask, .dropoutTrain, .dropoutSeed],
    infer: { config, xs, check in
      try TimeDropout.infer(
        xs: xs, ratio: config.options.number(.dropoutRatio),
        mask: config.options.array(.timeDropoutMask), train: config.options.bool(.dropoutTrain),
        check: check)
    },
    make: { config, check in
      TimeDropout(
        ratio: config.options.number(.dropoutRatio), mask: config.options.array(.timeDropoutMask),
        train: config.options.bool(.dropoutTrain), seed: try check.seed(config.options),
        name: config.name)
    })
}

extension LayerOption {
  /// `mask`: TimeDropout's float mask of xs's shape (flg·scale), used instead of a random draw.
  static let timeDropoutMask = LayerOption(
    "mask", .array, doc: "a float32 mask of xs's shape (flg·scale, as the book stores it) used instead of a draw")
}
