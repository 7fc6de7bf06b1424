import TLArray
import TLKernels

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
  /// Dropout: no params; options ratio (0.5), mask (bool, as the book stores it), train (true),
  /// seed (0).
  static let dropout = LayerKind.core(
    "Dropout", options: [.dropoutRatio, .dropoutMask, .dropoutTrain, .dropoutSeed],
    infer: { config, x, check in
      try Dropout.infer(
        x: x, ratio: config.options.number(.dropoutRatio), mask: config.options.array(.dropoutMask),
        check: check)
    },
    make: { config, check in
      Dropout(
        ratio: config.options.number(.dropoutRatio), mask: config.options.array(.dropoutMask),
        train: config.options.bool(.dropoutTrain), seed: try check.seed(config.options),
        name: config.name)
    })
}

/// The options of Dropout and TimeDropout, as the book's constructors and `train_flg` take them.
extension LayerOption {
  /// `ratio`: the probability of dropping an element; the book's default 0.5.
  static let dropoutRatio = LayerOption(
    "ratio", .number, default: .number(0.5),
    doc: "the probability of dropping an element, in [0, 1); the book's default 0.5",
    validate: { value in
      guard case .number(let ratio) = value, !(0..<1).contains(ratio) else { return nil }
      return "must be in [0, 1), got \(ratio)"
    })
  /// `mask`: Dropout's bool mask of x's shape, used instead of a random draw.
  static let dropoutMask = LayerOption(
    "mask", .array, doc: "a bool mask of x's shape (as the book stores it) used instead of a draw")
  /// `train`: training (mask) or evaluation (scale); the book's `train_flg`, default true.
  static let dropoutTrain = LayerOption(
    "train", .bool, default: .bool(true),
    doc: "training (the mask) or evaluation (scaling); the book's train_flg, default true")
  /// `seed`: what `np.random.seed` sets before the forward, for a drawn mask; default 0.
  static let dropoutSeed = LayerOption(
    "seed", .integer(0...4_294_967_295, note: "as np.random.seed takes"), default: .integer(0),
    doc: "the seed np.random.seed would set before the forward when no mask is given; default 0")
}

extension LayerCheck {
  /// The `seed` option as `np.random.seed` takes it.
  func seed(_ options: LayerOptions) throws -> UInt32 {
    let seed = options.integer(.dropoutSeed)
    guard let value = UInt32(exactly: seed) else { throw error("expects seed in [0, 4294967295], got \(seed)") }
    return value
  }
}
