/// An n-dimensional array of one ``DType``, stored contiguously in C (row-major) order.
///
/// `NDArray` is a value: copies share their ``ArrayStorage`` until one of them is written
/// (copy-on-write), so passing arrays around and ``reshaped(_:)`` cost nothing.
public struct NDArray: Sendable {
  public let dtype: DType
  public private(set) var shape: [Int]
  /// The bytes, shared by copies until one of them is written; replaced only by the array
  /// itself (copy-on-write), never by a caller.
  public private(set) var storage: ArrayStorage
  /// The rows (indices along the first axis, ascending and distinct) that may hold bits other
  /// than zero, when the array's maker knows them: every other row is all zero bits (0, +0.0).
  /// nil when unknown. Writing the array (``withUnsafeMutableBytes(_:)``,
  /// ``withUnsafeMutableBufferPointer(of:_:)``) forgets it; ``reshaped(_:)`` keeps it only when
  /// the first axis stays. Set by ``withNonzeroRows(_:)`` (an embedding's dW, which holds only
  /// the rows of the batch's ids); the `.npy` writer leaves the other rows as holes.
  public private(set) var nonzeroRows: [Int]?

  /// Wraps `storage`, whose first `count * dtype.itemSize` bytes are the elements in C order.
  public init(dtype: DType, shape: [Int], storage: ArrayStorage) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
    precondition(
      storage.byteCount >= Shape.count(shape) * dtype.itemSize,
      "storage of \(storage.byteCount) bytes is too small for \(dtype) \(Shape.describe(shape))")
    self.dtype = dtype
    self.shape = shape
    self.storage = storage
  }

  /// An array of zeros (all bits clear: 0, 0.0 or false). With `hugePages` false, a large one
  /// is backed by 4 KiB pages cleared when first written (``ArrayStorage/init(byteCount:hugePages:)``):
  /// for an array that gets only a few of its rows.
  public init(zeros dtype: DType, shape: [Int], hugePages: Bool = true) {
    let bytes = Shape.count(shape) * dtype.itemSize
    let storage = ArrayStorage(byteCount: bytes, hugePages: hugePages)
    if !storage.isZeroed { storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
    self.init(dtype: dtype, shape: shape, storage: storage)
  }

  /// An array holding `scalars` in C order.
  public init<T: NDElement>(shape: [Int], scalars: [T]) {
    precondition(Shape.count(shape) == scalars.count, "\(scalars.count) scalars for shape \(shape)")
    let storage = ArrayStorage(byteCount: scalars.count * MemoryLayout<T>.stride)
    scalars.withUnsafeBytes { bytes in
      if let source = bytes.baseAddress { storage.base.copyMemory(from: source, byteCount: bytes.count) }
    }
    self.init(dtype: T.dtype, shape: shape, storage: storage)
  }

  /// A 0-d array holding one scalar.
  public init<T: NDElement>(scalar: T) { self.init(shape: [], scalars: [scalar]) }

  public var rank: Int { shape.count }
  /// The number of elements (1 for a 0-d array).
  public var count: Int { Shape.count(shape) }
  public var byteCount: Int { count * dtype.itemSize }

  /// The same elements under another shape with the same count; shares storage.
  public func reshaped(_ newShape: [Int]) -> NDArray {
    precondition(
      Shape.count(newShape) == count, "cannot reshape \(Shape.describe(shape)) to \(Shape.describe(newShape))")
    var copy = self
    copy.shape = newShape
    if newShape.first != shape.first { copy.nonzeroRows = nil }
    return copy
  }

  /// The same array, saying that only `rows` (ascending, distinct, each in `0..<shape[0]`) may
  /// hold bits other than zero (``nonzeroRows``). The caller guarantees that every other row is
  /// all zero bits; the writer of `.npy` files relies on it.
  public func withNonzeroRows(_ rows: [Int]) -> NDArray {
    precondition(rank >= 1, "a 0-d array has no rows")
    precondition(
      zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 } && (rows.first ?? 0) >= 0
        && (rows.last ?? -1) < shape[0],
      "nonzero rows must be ascending, distinct and inside \(shape[0]) rows")
    var copy = self
    copy.nonzeroRows = rows
    return copy
  }

  /// Reads the raw bytes of the elements.
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeRawBufferPointer(start: storage.base, count: byteCount))
  }

  /// Writes the raw bytes of the elements, copying the storage first if it is shared.
  public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    makeUnique()
    return try body(UnsafeMutableRawBufferPointer(start: storage.base, count: byteCount))
  }

  /// Reads the elements as `T`, which must be the Swift type of ``dtype``.
  @inlinable
  public func withUnsafeBufferPointer<T: NDElement, R>(
    of type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
  ) rethrows -> R {
    precondition(T.dtype == dtype, "array of \(dtype) read as \(T.dtype)")
    let typed = storage.base.assumingMemoryBound(to: T.self)
    return try body(UnsafeBufferPointer(start: typed, count: count))
  }

  /// Writes the elements as `T`, copying the storage first if it is shared.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<T: NDElement, R>(
    of type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
  ) rethrows -> R {
    precondition(T.dtype == dtype, "array of \(dtype) written as \(T.dtype)")
    makeUnique()
    let typed = storage.base.assumingMemoryBound(to: T.self)
    return try body(UnsafeMutableBufferPointer(start: typed, count: count))
  }

  /// The elements as a Swift array of `T`, which must be the Swift type of ``dtype``.
  public func scalars<T: NDElement>(as type: T.Type) -> [T] {
    withUnsafeBufferPointer(of: T.self) { Array($0) }
  }

  /// One element, by flat C-order index, without loss.
  public func castValue(atFlat index: Int) -> CastValue {
    precondition(index >= 0 && index < count, "index \(index) out of range for \(count) elements")
    return dtype.accept(CastValueReader(array: self, index: index))
  }

  /// One element, by flat C-order index, as a `Double`.
  public func double(atFlat index: Int) -> Double { castValue(atFlat: index).double }

  /// Readies the array to be written: its own storage (copied if shared), and no
  /// ``nonzeroRows`` any more (the writer may put bits anywhere).
  @usableFromInline mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(byteCount: byteCount) }
    nonzeroRows = nil
  }
}

private struct CastValueReader: DTypeVisitor {
  let array: NDArray
  let index: Int
  func visit<T: NDElement>(_: T.Type) -> CastValue {
    array.withUnsafeBufferPointer(of: T.self) { $0[index].castValue }
  }
}

extension NDArray: Equatable {
  /// Same dtype, same shape and the same bytes (so NaN payloads and −0.0 count as different).
  public static func == (lhs: NDArray, rhs: NDArray) -> Bool {
    guard lhs.dtype == rhs.dtype, lhs.shape == rhs.shape else { return false }
    return lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.elementsEqual(r) } }
  }
}
