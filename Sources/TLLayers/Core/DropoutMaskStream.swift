import TLArray
import TLKernels

/// One `np.random` stream shared by several dropout layers, as a model's TimeDropouts draw
/// from NumPy's one global generator after one `np.random.seed(seed)` (pipeline.md §6.3).
public final class DropoutMaskStream {
  private var random: LegacyRandom

  public init(seed: UInt32) { random = LegacyRandom(seed: seed) }

  /// The book's TimeDropout mask of xs's shape (N, T, D):
  /// `(np.random.rand(*shape) > ratio).astype(np.float32) * float32(1 / (1.0 - ratio))`.
  public func mask(shape: [Int], ratio: Double) -> NDArray {
    let scale = Float(1 / (1.0 - ratio))
    let values = (0..<Shape.count(shape)).map { _ in (random.nextDouble() > ratio ? 1 : 0) * scale }
    return NDArray(shape: shape, scalars: values)
  }
}
