/// Where a decoded chunk's elements go in the C-order array of the whole dataset: the part of
/// the chunk inside the dataset (edge chunks reach past it), one row along the last axis at a
/// time.
struct ChunkPlacement {
  let shape: [Int]
  let chunkShape: [Int]
  let itemSize: Int
  /// Byte strides of the dataset array and of a whole chunk, C order.
  private let arrayStrides: [Int]
  private let chunkStrides: [Int]

  init(shape: [Int], chunkShape: [Int], itemSize: Int) {
    precondition(!shape.isEmpty && shape.count == chunkShape.count, "chunk rank differs")
    self.shape = shape
    self.chunkShape = chunkShape
    self.itemSize = itemSize
    arrayStrides = Self.strides(shape, itemSize)
    chunkStrides = Self.strides(chunkShape, itemSize)
  }

  private static func strides(_ dims: [Int], _ itemSize: Int) -> [Int] {
    var strides = [Int](repeating: itemSize, count: dims.count)
    for axis in dims.indices.dropLast().reversed() {
      strides[axis] = strides[axis + 1] * dims[axis + 1]
    }
    return strides
  }

  /// Copies the part of the whole decoded chunk `chunk`, whose first element is at `origin`,
  /// that lies inside the dataset into `array`.
  func copy(_ chunk: UnsafeMutableRawBufferPointer, origin: [Int], into array: UnsafeMutableRawPointer) {
    guard let source = chunk.baseAddress else { return }
    let last = shape.count - 1
    let extent = shape.indices.map { min(chunkShape[$0], shape[$0] - origin[$0]) }
    let rowBytes = extent[last] * itemSize
    let start = array + zip(origin, arrayStrides).reduce(0) { $0 + $1.0 * $1.1 }
    var position = [Int](repeating: 0, count: last)
    var from = 0
    var to = 0
    for _ in 0..<extent[..<last].reduce(1, *) {
      (start + to).copyMemory(from: source + from, byteCount: rowBytes)
      // Next row: step the innermost outer axis, carrying into the ones before it.
      var axis = last - 1
      while axis >= 0 {
        position[axis] += 1
        from += chunkStrides[axis]
        to += arrayStrides[axis]
        if position[axis] < extent[axis] { break }
        from -= extent[axis] * chunkStrides[axis]
        to -= extent[axis] * arrayStrides[axis]
        position[axis] = 0
        axis -= 1
      }
    }
  }
}
