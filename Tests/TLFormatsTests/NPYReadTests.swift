import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// Every `.npy` NumPy wrote under testdata/npy reads with the dtype, shape and values it holds.
@Suite struct NPYReadTests {
  @Test(arguments: Manifest.npy)
  func readsFixture(_ expected: ExpectedArray) throws {
    let array = try NPY.read(path: Fixtures.path("npy/\(expected.file ?? "")"))
    expected.check(array)
  }

}
