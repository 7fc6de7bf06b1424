import TLArray

/// Turns data bytes as a `.npy` file stores them into native, C-order elements.
enum NPYData {
  /// Makes the array from `storage`, which holds the file's data bytes, converting in place
  /// (byte order) or into a fresh storage (Fortran order).
  static func array(from storage: ArrayStorage, header: NPYHeader) -> NDArray {
    let itemSize = header.descr.dtype.itemSize
    let count = Shape.count(header.shape)
    if header.descr.needsSwap { swapBytes(storage.base, count: count, itemSize: itemSize) }
    var result = storage
    if header.fortranOrder && !isSameInBothOrders(header.shape) {
      result = ArrayStorage(byteCount: count * itemSize)
      fortranToC(from: storage.base, to: result.base, shape: header.shape, itemSize: itemSize)
    }
    return NDArray(dtype: header.descr.dtype, shape: header.shape, storage: result)
  }

  /// True when the file's data bytes are the array's as they are: native byte order, C order
  /// (or a layout both orders share).
  static func isNative(_ header: NPYHeader) -> Bool {
    !header.descr.needsSwap && (!header.fortranOrder || isSameInBothOrders(header.shape))
  }

  /// True when C and Fortran order give the same layout: at most one axis longer than 1.
  static func isSameInBothOrders(_ shape: [Int]) -> Bool {
    shape.contains(0) || shape.filter { $0 > 1 }.count <= 1
  }

  /// Reverses the bytes of each of `count` elements of `itemSize` bytes, in place.
  static func swapBytes(_ base: UnsafeMutableRawPointer, count: Int, itemSize: Int) {
    switch itemSize {
    case 2: swap(base, count: count, as: UInt16.self)
    case 4: swap(base, count: count, as: UInt32.self)
    case 8: swap(base, count: count, as: UInt64.self)
    default: precondition(itemSize == 1, "no byte swap for \(itemSize)-byte elements")
    }
  }

  private static func swap<T: FixedWidthInteger>(
    _ base: UnsafeMutableRawPointer, count: Int, as: T.Type
  ) {
    let size = MemoryLayout<T>.size
    for i in 0..<count {
      let value = base.loadUnaligned(fromByteOffset: i * size, as: T.self)
      base.storeBytes(of: value.byteSwapped, toByteOffset: i * size, as: T.self)
    }
  }

  /// Copies elements stored first-index-fastest into C order (last index fastest).
  ///
  /// Walks the destination in C order with an odometer over the indices, moving the source
  /// offset by each axis's Fortran stride, so no division happens per element.
  static func fortranToC(
    from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, shape: [Int],
    itemSize: Int
  ) {
    let count = Shape.count(shape)
    guard count > 0 else { return }
    var strides = [Int](repeating: itemSize, count: shape.count)  // Fortran strides in bytes
    for axis in shape.indices.dropFirst() { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    var index = [Int](repeating: 0, count: shape.count)
    var sourceOffset = 0
    for flat in 0..<count {
      (destination + flat * itemSize).copyMemory(from: source + sourceOffset, byteCount: itemSize)
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        sourceOffset += strides[axis]
        if index[axis] < shape[axis] { break }
        sourceOffset -= strides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
