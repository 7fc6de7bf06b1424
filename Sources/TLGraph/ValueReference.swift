import TLArray

/// A reference to a graph value (pipeline.md §6.1): `v`, a time range `v[:, a:b]` or one time
/// step `v[:, i]` (the time axis dropped), with NumPy's basic-slice rules on axis 1 (T).
public struct ValueReference: Equatable, Sendable, CustomStringConvertible {
  /// Which part of the time axis the reference takes.
  public enum Time: Equatable, Sendable {
    /// The whole value.
    case all
    /// `[:, start:end]`, either bound optional, negative from the end.
    case range(start: Int?, end: Int?)
    /// `[:, index]`, negative from the end; the result has no time axis.
    case step(Int)
  }

  public var value: String
  public var time: Time
  /// The text as written, for messages.
  public var description: String

  public init(value: String, time: Time = .all, text: String? = nil) {
    (self.value, self.time) = (value, time)
    description = text ?? value
  }

  /// Parses `v`, `v[:, a:b]`, `v[:, i]`; `path` names the JSON key for the error.
  public init(parsing text: String, path: String) throws(GraphError) {
    guard let open = text.firstIndex(of: "[") else {
      guard !text.isEmpty, !text.contains("]") else {
        throw GraphError(path, "bad value reference '\(text)'")
      }
      self.init(value: text)
      return
    }
    let name = String(text[..<open])
    let body = text[text.index(after: open)...]
    guard !name.isEmpty, body.hasPrefix(":, "), body.hasSuffix("]") else {
      throw GraphError(path, "bad value reference '\(text)': expected NAME, NAME[:, a:b] or NAME[:, i]")
    }
    let inner = String(body.dropFirst(3).dropLast())
    let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    func bound(_ part: String) throws(GraphError) -> Int? {
      if part.isEmpty { return nil }
      guard let value = Int(part) else {
        throw GraphError(path, "bad value reference '\(text)': '\(part)' is not an integer")
      }
      return value
    }
    switch parts.count {
    case 1 where !inner.isEmpty:
      guard let index = try bound(inner) else { throw GraphError(path, "bad value reference '\(text)'") }
      self.init(value: name, time: .step(index), text: text)
    case 2:
      self.init(value: name, time: .range(start: try bound(parts[0]), end: try bound(parts[1])), text: text)
    default:
      throw GraphError(path, "bad value reference '\(text)': expected NAME, NAME[:, a:b] or NAME[:, i]")
    }
  }

  /// The steps of a time axis of length `t` the reference takes, as NumPy resolves them;
  /// throws when the slice is empty or the index is out of range.
  public func steps(timeLength t: Int, path: String) throws(GraphError) -> Range<Int> {
    switch time {
    case .all: return 0..<t
    case .step(let i):
      let index = i < 0 ? i + t : i
      guard (0..<t).contains(index) else {
        throw GraphError(path, "'\(description)': index \(i) is out of range for T = \(t)")
      }
      return index..<index + 1
    case .range(let start, let end):
      func clamp(_ value: Int?, _ fallback: Int) -> Int {
        guard let value else { return fallback }
        return min(max(value < 0 ? value + t : value, 0), t)
      }
      let (lower, upper) = (clamp(start, 0), clamp(end, t))
      guard lower < upper else { throw GraphError(path, "'\(description)' is empty for T = \(t)") }
      return lower..<upper
    }
  }

  /// The shape the reference gives for a value of shape `shape` (N, T, …).
  public func shape(of shape: [Int], path: String) throws(GraphError) -> [Int] {
    if time == .all { return shape }
    guard shape.count >= 2 else {
      throw GraphError(path, "'\(description)' slices the time axis of a value of rank \(shape.count)")
    }
    let steps = try steps(timeLength: shape[1], path: path)
    if case .step = time { return [shape[0]] + shape.dropFirst(2) }
    return [shape[0], steps.count] + shape.dropFirst(2)
  }

  /// The referenced part of `array` (N, T, …), copied C-ordered.
  public func apply(_ array: NDArray, path: String) throws(GraphError) -> NDArray {
    if time == .all { return array }
    let resultShape = try shape(of: array.shape, path: path)
    let steps = try steps(timeLength: array.shape[1], path: path)
    var result = NDArray(zeros: array.dtype, shape: resultShape)
    let row = Shape.count(Array(array.shape.dropFirst(2))) * array.dtype.itemSize
    let (n, t) = (array.shape[0], array.shape[1])
    array.withUnsafeBytes { source in
      result.withUnsafeMutableBytes { target in
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        for i in 0..<n {
          (to + i * steps.count * row).copyMemory(
            from: from + (i * t + steps.lowerBound) * row, byteCount: steps.count * row)
        }
      }
    }
    return result
  }

  /// The gradient of the whole value (shape `shape`, dtype of `gradient`) given the gradient
  /// of the referenced part: `gradient` at the referenced steps, zeros elsewhere.
  public func scatter(_ gradient: NDArray, into shape: [Int], path: String) throws(GraphError) -> NDArray {
    if time == .all { return gradient }
    let steps = try steps(timeLength: shape[1], path: path)
    var result = NDArray(zeros: gradient.dtype, shape: shape)
    let row = Shape.count(Array(shape.dropFirst(2))) * gradient.dtype.itemSize
    let (n, t) = (shape[0], shape[1])
    gradient.withUnsafeBytes { source in
      result.withUnsafeMutableBytes { target in
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        for i in 0..<n {
          (to + (i * t + steps.lowerBound) * row).copyMemory(
            from: from + i * steps.count * row, byteCount: steps.count * row)
        }
      }
    }
    return result
  }
}
