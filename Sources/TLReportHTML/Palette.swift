/// The heatmaps' colour scale: the error ratio (``ErrorRatio``) in decades, blues within
/// tolerance (ratio ≤ 1), yellow to dark red beyond it, black where a value is not finite.
/// A cell of a pooled picture has the largest ratio of the elements it covers.
public enum Palette {
  /// One step of the scale: the ratios up to `upTo` (inclusive) above the previous step's.
  public struct Step: Sendable {
    public var label: String
    public var upTo: Double
    public var rgb: (UInt8, UInt8, UInt8)
    /// `#rrggbb`.
    public var hex: String {
      let digits = [rgb.0, rgb.1, rgb.2].map { String($0, radix: 16) }
      return "#" + digits.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }
  }

  /// The steps in order; a ratio falls in the first whose `upTo` it does not exceed.
  public static let steps: [Step] = [
    Step(label: "≤ 0.01", upTo: 0.01, rgb: (222, 235, 247)),
    Step(label: "≤ 0.1", upTo: 0.1, rgb: (158, 202, 225)),
    Step(label: "≤ 1 (within tolerance)", upTo: 1, rgb: (49, 130, 189)),
    Step(label: "≤ 10", upTo: 10, rgb: (254, 217, 118)),
    Step(label: "≤ 100", upTo: 100, rgb: (253, 141, 60)),
    Step(label: "≤ 10⁴", upTo: 1e4, rgb: (227, 26, 28)),
    Step(label: "> 10⁴", upTo: .greatestFiniteMagnitude, rgb: (128, 0, 38)),
    Step(label: "not finite (NaN, ∞, zero tolerance)", upTo: .infinity, rgb: (0, 0, 0)),
  ]

  /// The index of the worst step: what the page's "far out of tolerance" cells are drawn in.
  public static let farOutIndex = 6

  /// The step a ratio falls in (NaN counts as not finite).
  @inlinable
  public static func index(of ratio: Float) -> UInt8 {
    if !(ratio <= .greatestFiniteMagnitude) { return 7 }
    if ratio <= 0.01 { return 0 }
    if ratio <= 0.1 { return 1 }
    if ratio <= 1 { return 2 }
    if ratio <= 10 { return 3 }
    if ratio <= 100 { return 4 }
    if ratio <= 1e4 { return 5 }
    return 6
  }
}
