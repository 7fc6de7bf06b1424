import TLArray
import TLKernels

/// One `np.random` stream shared by several dropout layers, as a model's TimeDropouts draw
/// from NumPy's one global generator after one `np.random.seed(seed)` (pipeline.md §6.3).
public final class DropoutMaskStream {
  private var random: LegacyRandom

  public init(seed: UInt32) { random = LegacyRandom(seed: seed) }

  /// The book's TimeDropout mask of xs's shape (N, T, D):
  /// `(np.random.rand(*shape) > ratio).astype(np.float32) * float32(1 / (1.0 - ratio))`.
  public func mask(shape: [Int], ratio: Double) -> NDArray { Self.mask(shape: shape, ratio: ratio, &random) }

  /// The mask drawn from `random` (one `rand()` per element in C order), written in one pass.
  static func mask(shape: [Int], ratio: Double, _ random: inout LegacyRandom) -> NDArray {
    let scale = Float(1 / (1.0 - ratio))
    var mask = NDArray(zeros: .float32, shape: shape)
    mask.withUnsafeMutableBufferPointer(of: Float.self) { values in
      random.fillMask(values, above: ratio, scale: scale)
    }
    return mask
  }
}
