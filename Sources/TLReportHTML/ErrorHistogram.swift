/// How many elements fall at each error ratio (``ErrorRatio``), in decades: exactly 0, below
/// 10⁻⁶, one bin per decade from 10⁻⁶ to 10⁶, above 10⁶, and not finite.
public struct ErrorHistogram: Sendable, Equatable {
  /// The bins' labels, in order; ``counts`` has one entry per label.
  public static let labels: [String] =
    ["0", "< 1e-6"] + (-6..<6).map { "1e\($0) – 1e\($0 + 1)" } + ["> 1e6", "not finite"]
  /// The upper edges of the decade bins, written out so that 1 is exactly an edge.
  public static let upperEdges: [Double] = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6]
  /// The first bin above tolerance (ratios in (1, 10]).
  public static let firstFailingBin = 8

  public var counts = [Int](repeating: 0, count: labels.count)

  public init() {}

  /// The bin of one ratio: a decade's bin holds ratios in (10^k, 10^(k+1)], so 1 is within.
  @inlinable
  public static func bin(of ratio: Double) -> Int {
    if ratio == 0 { return 0 }
    if !ratio.isFinite { return labels.count - 1 }
    if ratio <= 1e-6 { return 1 }
    if ratio > 1e6 { return labels.count - 2 }
    return 2 + (upperEdges.firstIndex { ratio <= $0 } ?? 11)
  }

  mutating func add(_ ratio: Double) { counts[Self.bin(of: ratio)] += 1 }
}
