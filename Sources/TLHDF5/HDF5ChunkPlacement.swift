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
    let outer = Array(extent[..<last])
    var position = [Int](repeating: 0, count: last)
    for _ in 0..<outer.reduce(1, *) {
      var from = 0
      var to = 0
      for axis in 0..<last {
        from += position[axis] * chunkStrides[axis]
        to += position[axis] * arrayStrides[axis]
      }
      (start + to).copyMemory(from: source + from, byteCount: rowBytes)
      HDF5ChunkPlan.advance(&position, within: outer)
    }
  }
}
