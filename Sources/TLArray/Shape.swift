/// Helpers for shapes, which are plain `[Int]` in C order.
public enum Shape {
  /// The element count; 1 for `[]` (a 0-d array). Traps on overflow: callers that take shapes
  /// from files use ``checkedByteCount(_:itemSize:)`` first.
  public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

  /// The byte size of an array, or nil when the product overflows `Int`.
  public static func checkedByteCount(_ shape: [Int], itemSize: Int) -> Int? {
    var total = itemSize
    for dim in shape {
      guard dim >= 0 else { return nil }
      let (product, overflow) = total.multipliedReportingOverflow(by: dim)
      if overflow { return nil }
      total = product
    }
    return total
  }

  /// NumPy's spelling: `()`, `(3,)`, `(2, 3)`.
  public static func describe(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }
}
