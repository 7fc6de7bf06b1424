#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The chunk shape for a compressed dataset, chosen as h5py's `guess_chunk` does so files we
/// write compress and read like h5py's own.
public enum ChunkShape {
  private static let baseBytes = 16.0 * 1024, minBytes = 8.0 * 1024, maxBytes = 1024.0 * 1024

  /// Halves the dimensions in turn, starting from the whole array, until a chunk is near a
  /// target size that grows with the dataset (8 KiB … 1 MiB). `shape` has no zero dimension.
  public static func guess(for shape: [Int], itemSize: Int) -> [Int] {
    precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "no chunks for shape \(shape)")
    var chunks = shape
    let datasetBytes = Double(shape.reduce(itemSize, *))
    let target = min(
      max(baseBytes * pow(2, log10(datasetBytes / (1024 * 1024))), minBytes),
      maxBytes)
    var index = 0
    while true {
      let elements = chunks.reduce(1, *)
      let bytes = Double(elements * itemSize)
      let nearTarget = bytes < target || abs(bytes - target) / target < 0.5
      if (nearTarget && bytes < maxBytes) || elements == 1 { break }
      let axis = index % chunks.count
      chunks[axis] = (chunks[axis] + 1) / 2
      index += 1
    }
    return chunks
  }
}
