import TLArray
import TLSystem
import Testing

@testable import TLKernels

#if canImport(Glibc)
  import Glibc
#endif

/// Zeroed memory whose pages are backed at allocation (`Kernel.zerosFaultedIn`,
/// `Kernel.zeros(_:shape:faultingInRows:)`): still all +0 bits, on one worker and on four, on
/// huge pages, on 4 KiB pages and from malloc.
struct FirstTouchTests {
  /// The indices of the pages of `array`'s storage that are in memory (`mincore`).
  static func residentPages(_ array: NDArray) -> Set<Int> {
    let page = Memory.pageSize
    let pages = (array.byteCount + page - 1) / page
    var vector = [UInt8](repeating: 0, count: pages)
    guard mincore(array.storage.base, pages * page, &vector) == 0 else { return [] }
    return Set(vector.indices.filter { vector[$0] & 1 != 0 })
  }

  @Test("a buffer of zeros faulted in is still all zeros, on one worker and on four")
  func freshPagesStayZero() {
    for workers in [1, 4] {
      for count in [5 * Memory.hugePage / 4 + 3, 7] {  // huge pages; malloc
        let buffer = Kernel.withRowWorkers(workers) { Kernel.zerosFaultedIn(count, Float.self) }
        let nonzero = UnsafeBufferPointer(start: buffer.p, count: count).filter { $0.bitPattern != 0 }.count
        #expect(nonzero == 0, "\(nonzero) values are not +0")
      }
    }
  }

  @Test("an array whose rows are faulted in is all zeros, its rows' pages backed")
  func rowsFaultedIn() {
    for workers in [1, 4] {
      // 3000 rows of 650 float32 (2600 bytes: rows straddle pages), and a tiny malloc'd one.
      for (shape, rows) in [([3000, 650], [0, 1, 2, 1500, 2999]), ([4, 3], [1])] {
        let array = Kernel.withRowWorkers(workers) {
          Kernel.zeros(.float32, shape: shape, faultingInRows: rows)
        }
        #expect(array.shape == shape && array.nonzeroRows == nil)
        if array.storage.isZeroed {
          // Backed: the pages under the rows, and not the pages under none of them.
          let resident = Self.residentPages(array)
          let rowBytes = array.byteCount / shape[0]
          let page = Memory.pageSize
          let expected = Set(rows.flatMap { row in (row * rowBytes / page)...(((row + 1) * rowBytes - 1) / page) })
          #expect(expected.isSubset(of: resident))
          #expect(resident.count < expected.count + 8, "\(resident.count) pages backed for \(expected.count)")
        }
        let nonzero = array.scalars(as: Float.self).filter { $0.bitPattern != 0 }.count
        #expect(nonzero == 0, "\(nonzero) values are not +0")
      }
    }
  }
}
