import TLArray
import TLSystem
import Testing

@testable import TLKernels

/// Kernel.faultInZeroedPages: the values never change, whether the pages are fresh zeros, hold
/// values written since, or came from malloc.
struct FirstTouchTests {
  @Test("a fresh zeroed array is still all zeros, on one worker and on four")
  func freshPagesStayZero() {
    for workers in [1, 4] {
      var array = NDArray(zeros: .float32, shape: [5 * Memory.hugePage / 4 + 3])
      #expect(array.storage.isZeroed)
      Kernel.withRowWorkers(workers) { Kernel.faultInZeroedPages(&array) }
      let nonzero = array.scalars(as: Float.self).filter { $0.bitPattern != 0 }.count
      #expect(nonzero == 0, "\(nonzero) values are not +0")
    }
  }

  @Test("an array holding values keeps them, on its huge pages or from malloc")
  func valuesStay() {
    // Every byte of every value nonzero, the first bytes of the pages included.
    let values = (0..<(5 * Memory.hugePage / 4)).map { Float(bitPattern: 0x3F81_0101 &+ UInt32($0 % 251)) }
    var written = NDArray(shape: [values.count], scalars: values)
    #expect(written.storage.isZeroed)  // fresh pages, written since: the touch does run
    Kernel.faultInZeroedPages(&written)
    let changed = zip(written.scalars(as: Float.self), values).filter { $0.bitPattern != $1.bitPattern }.count
    #expect(changed == 0, "\(changed) values changed")
    var small = NDArray(shape: [3], scalars: [Float(1), 2, 3])
    Kernel.faultInZeroedPages(&small)
    #expect(small.scalars(as: Float.self) == [1, 2, 3])
  }
}
