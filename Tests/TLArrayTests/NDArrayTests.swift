import TLArray
import Testing

@Test func reshapeSharesStorageAndWritesCopy() {
  let a = NDArray(shape: [2, 3], scalars: [Float](arrayLiteral: 0, 1, 2, 3, 4, 5))
  var b = a.reshaped([3, 2])
  #expect(b.shape == [3, 2])
  b.withUnsafeMutableBufferPointer(of: Float.self) { $0[0] = 42 }
  #expect(a.scalars(as: Float.self)[0] == 0, "a write to a reshaped copy must not change the original")
  #expect(b.scalars(as: Float.self)[0] == 42)
}

@Test func zeroDimensionalAndEmpty() {
  let scalar = NDArray(scalar: 2.5)
  #expect(scalar.shape == [] && scalar.count == 1 && scalar.double(atFlat: 0) == 2.5)
  let empty = NDArray(zeros: .int16, shape: [3, 0])
  #expect(empty.count == 0 && empty.byteCount == 0)
  #expect(Shape.describe([]) == "()" && Shape.describe([3]) == "(3,)" && Shape.describe([2, 3]) == "(2, 3)")
}

@Test func checkedByteCountRefusesOverflow() {
  #expect(Shape.checkedByteCount([2, 3], itemSize: 4) == 24)
  #expect(Shape.checkedByteCount([Int.max / 2, 3], itemSize: 1) == nil)
  #expect(Shape.checkedByteCount([-1], itemSize: 1) == nil)
}

/// `np.array(x).astype(t)` on NumPy 2.4.6, x86-64.
@Test func castsFollowNumPy() {
  let f = NDArray(shape: [6], scalars: [Double](arrayLiteral: -1.7, 2.9, 300.5, .nan, 0, -0.0))
  #expect(f.astype(.int32).scalars(as: Int32.self) == [-1, 2, 300, Int32.min, 0, 0])
  #expect(f.astype(.int8).scalars(as: Int8.self) == [-1, 2, 44, 0, 0, 0])
  #expect(f.astype(.bool).scalars(as: Bool.self) == [true, true, true, true, false, false])
  let big = NDArray(shape: [2], scalars: [Int64](arrayLiteral: 16_777_217, -129))
  #expect(big.astype(.float32).scalars(as: Float.self) == [16_777_216, -129])
  #expect(big.astype(.uint8).scalars(as: UInt8.self) == [1, 127])
  let third = NDArray(scalar: 1.0 / 3.0).astype(.float32)
  #expect(third.scalars(as: Float.self) == [Float(1.0 / 3.0)])
  #expect(NDArray(scalar: Float(65520)).astype(.float16).double(atFlat: 0).isInfinite)
}

/// Buffers from 1 MiB up are pages of their own (``LargeBuffer``): zeroed without a memset,
/// aligned, and copied on write like any other storage.
@Test func largeStorageIsZeroedAlignedAndCopiedOnWrite() {
  let count = LargeBuffer.threshold / 4 + 3  // just over the threshold, not a page multiple
  var a = NDArray(zeros: .float32, shape: [count])
  #expect(a.storage.isZeroed)
  #expect(Int(bitPattern: a.storage.base) % (2 << 20) == 0)
  #expect(a.scalars(as: Float.self).allSatisfy { $0 == 0 })
  a.withUnsafeMutableBufferPointer(of: Float.self) { p in
    for i in p.indices { p[i] = Float(i % 7) }
  }
  var b = a
  b.withUnsafeMutableBufferPointer(of: Float.self) { $0[count - 1] = -1 }
  #expect(a.scalars(as: Float.self)[count - 1] == Float((count - 1) % 7))
  #expect(b.scalars(as: Float.self)[count - 1] == -1)
  #expect(b.scalars(as: Float.self)[count - 2] == Float((count - 2) % 7))
  let small = ArrayStorage(byteCount: LargeBuffer.threshold - 1)
  #expect(!small.isZeroed && Int(bitPattern: small.base) % 64 == 0)
}

/// ``NDArray/nonzeroRows``: a promise about the bytes, so anything that may change them drops it.
@Suite struct NonzeroRowsTests {
  static func table() -> NDArray {
    var array = NDArray(zeros: .float32, shape: [6, 2])
    array.withUnsafeMutableBufferPointer(of: Float.self) { $0[2] = 1 }  // row 1
    return array
  }

  @Test func writingForgetsTheRows() {
    let hinted = Self.table().withNonzeroRows([1])
    #expect(hinted.nonzeroRows == [1])
    var written = hinted
    written.withUnsafeMutableBufferPointer(of: Float.self) { $0[10] = 3 }  // row 5
    #expect(written.nonzeroRows == nil)
    var bytes = hinted
    bytes.withUnsafeMutableBytes { _ in }
    #expect(bytes.nonzeroRows == nil)
    // The original keeps its promise and its bytes (the write went to a copy).
    #expect(hinted.nonzeroRows == [1])
    #expect(hinted.scalars(as: Float.self)[10] == 0)
  }

  @Test func reshapingKeepsThemOnlyWithTheFirstAxis() {
    let hinted = Self.table().withNonzeroRows([1])
    #expect(hinted.reshaped([6, 2, 1]).nonzeroRows == [1])
    #expect(hinted.reshaped([3, 4]).nonzeroRows == nil)
    #expect(hinted.reshaped([12]).nonzeroRows == nil)
    #expect(Self.table().nonzeroRows == nil)
  }
}
