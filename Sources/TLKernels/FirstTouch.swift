internal import CTLMath
import TLArray
import TLSystem

/// Zeroed memory whose pages are backed now, on the available cores, instead of at the first
/// write of the loop that fills it. Only at allocation: the touch writes zeros without reading
/// (``CTLMath_touch_zeroed_pages``), so it must never meet memory that holds values.
///
/// A write, not a read and a write back: a first read maps the shared zero page, and the write
/// after it replaces that mapping, a second fault with a TLB flush on every CPU the process
/// runs on (an interrupt to the other vCPU in a VM: ~15 µs a 4 KiB page here, against ~2 µs for
/// one write fault).
extension Kernel {
  /// `count` zeros whose huge pages are written once, side by side on the available cores
  /// (fresh memory is cleared at its first write: ~0.3 ms per 2 MiB page), when they span at
  /// least 4 huge pages. For the recurrent layers' gate buffer, which the x·Wx helper's first
  /// chunk touches everywhere while the time loop waits for it.
  package static func zerosFaultedIn<T: LayerScalar>(_ count: Int, _: T.Type = T.self) -> Buffer<T> {
    let buffer = Buffer<T>(zeros: count)
    let bytes = count * MemoryLayout<T>.stride
    guard buffer.storage.isZeroed, bytes >= 4 * Memory.hugePage else { return buffer }
    let pages = (bytes + Memory.hugePage - 1) / Memory.hugePage
    let shared = UncheckedSendable(buffer.storage.base)
    forEachRowRange(rows: pages, cols: parallelElements) { range in
      CTLMath_touch_zeroed_pages(shared.value + range.lowerBound * Memory.hugePage, range.count, Memory.hugePage)
    }
    return buffer
  }

  /// An array of zeros of `shape` on 4 KiB pages (``TLArray/NDArray/init(zeros:shape:hugePages:)``)
  /// of which only the pages under rows `rows` (ascending, along the first axis) are backed,
  /// written once on the available cores; the other rows take no memory until written. For an
  /// embedding's dW, which a scatter-add fills in the rows of the batch's ids only: at the
  /// book's size (10000×650 float32, 700 ids) ~1100 pages of 4 KiB instead of 13 of 2 MiB.
  package static func zeros(_ dtype: DType, shape: [Int], faultingInRows rows: [Int]) -> NDArray {
    let array = NDArray(zeros: dtype, shape: shape, hugePages: false)
    guard array.storage.isZeroed, array.rank >= 1, array.shape[0] > 0, !rows.isEmpty else { return array }
    let rowBytes = array.byteCount / array.shape[0]
    let page = Memory.pageSize
    var offsets: [Int] = []
    for row in rows where rowBytes > 0 {
      var first = row * rowBytes / page * page
      if let last = offsets.last, first <= last { first = last + page }
      let end = (row + 1) * rowBytes
      while first < end {
        offsets.append(first)
        first += page
      }
    }
    let base = UncheckedSendable(array.storage.base)
    offsets.withUnsafeBufferPointer { list in
      let shared = UncheckedSendable(list)
      forEachRowRange(rows: list.count, cols: page / 8) { range in
        guard let start = shared.value.baseAddress else { return }
        CTLMath_touch_zeroed_offsets(base.value, start + range.lowerBound, range.count)
      }
    }
    return array
  }
}
