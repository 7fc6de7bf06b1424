import TLArray

/// Builds test arrays of any dtype from `Double` values, cast as NumPy's `astype` casts them.
func array(_ values: [Double], _ dtype: DType = .float64, shape: [Int]? = nil) -> NDArray {
  NDArray(shape: shape ?? [values.count], scalars: values).astype(dtype)
}

/// One element of `dtype` parsed from its NumPy `str()` spelling (`nan`, `-0.0`, `True`, `6.55e+04`).
func parseElement(_ text: String, _ dtype: DType) -> NDArray? {
  dtype.accept(ElementParser(text: text))
}

private struct ElementParser: DTypeVisitor {
  let text: String
  func visit<T: NDElement>(_: T.Type) -> NDArray? {
    if T.self == Bool.self {
      guard text == "True" || text == "False" else { return nil }
      return NDArray(shape: [1], scalars: [text == "True"])
    }
    guard let parsable = T.self as? any (NDElement & LosslessStringConvertible).Type else {
      return nil
    }
    return parse(parsable)
  }

  private func parse<U: NDElement & LosslessStringConvertible>(_: U.Type) -> NDArray? {
    U(text).map { NDArray(shape: [1], scalars: [$0]) }
  }
}
