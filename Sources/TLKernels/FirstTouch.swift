import TLArray
import TLSystem

extension Kernel {
  /// Writes a zero into every huge page of `array`, whose storage must be fresh from
  /// ``TLArray/NDArray/init(zeros:shape:)`` and not yet written, on the available cores, so
  /// that the kernel clears its pages (the first touch of fresh memory: ~0.3 ms per 2 MiB page
  /// here) side by side instead of one at a time inside a single-threaded loop that writes it
  /// sparsely later. Nothing changes in the values; below 4 huge pages, or where the storage did
  /// not come as fresh pages, nothing is done. TimeEmbedding's dW (V×D, 26 MB at the book's
  /// size) gets only the rows of the batch's ids, and those are spread over all its pages.
  package static func faultInZeroedPages(_ array: inout NDArray) {
    let bytes = array.byteCount
    guard array.storage.isZeroed, bytes >= 4 * Memory.hugePage else { return }
    let pages = (bytes + Memory.hugePage - 1) / Memory.hugePage
    array.withUnsafeMutableBytes { raw in
      guard let base = raw.baseAddress else { return }
      let shared = UncheckedSendable(base)
      forEachRowRange(rows: pages, cols: parallelElements) { range in
        for page in range { shared.value.storeBytes(of: 0, toByteOffset: page * Memory.hugePage, as: UInt8.self) }
      }
    }
  }
}
