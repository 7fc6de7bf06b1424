/// The bytes behind an ``NDArray``: heap memory it owns, or memory lent by someone else (a
/// memory-mapped file) together with the closure that gives it back.
public final class ArrayStorage: @unchecked Sendable {
  /// Start of the bytes; aligned for the element type of every array that views them.
  public let base: UnsafeMutableRawPointer
  public let byteCount: Int
  private let release: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?

  /// Fresh, uninitialised heap memory of `byteCount` bytes, aligned to 64 bytes.
  public init(byteCount: Int) {
    self.byteCount = byteCount
    self.base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
    self.release = nil
  }

  /// Adopts memory owned elsewhere; `release` is called once, when the last array lets go.
  public init(
    adopting base: UnsafeMutableRawPointer, byteCount: Int,
    release: @escaping @Sendable (UnsafeMutableRawPointer, Int) -> Void
  ) {
    self.base = base
    self.byteCount = byteCount
    self.release = release
  }

  deinit {
    if let release { release(base, byteCount) } else { base.deallocate() }
  }

  /// A heap copy of the first `byteCount` bytes.
  func copy(byteCount: Int) -> ArrayStorage {
    let fresh = ArrayStorage(byteCount: byteCount)
    fresh.base.copyMemory(from: base, byteCount: byteCount)
    return fresh
  }
}
