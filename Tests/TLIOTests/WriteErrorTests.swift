import Foundation
import TLArray
import TLIO
import TLTestSupport
import Testing

/// Outputs that cannot be created: one line naming the place and the system's reason, the same
/// from run to run (Foundation's errors printed their whole user-info dictionary, keys in a
/// varying order).
struct WriteErrorTests {
  @Test func aDirectoryUnderAFileNamesTheFile() throws {
    let root = try Fixtures.temporaryDirectory("write-errors")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("f").path
    try Data().write(to: URL(fileURLWithPath: file))
    let arrays = [(name: "W", array: NDArray(zeros: .float32, shape: [2]))]
    for (target, expected) in [
      (file + "/out", "\(file)/out: cannot create directory \(file): it is not a directory"),
      (file + "/x.npz", "\(file)/x.npz: cannot create archive: Not a directory"),
    ] {
      let location = ArrayLocation(parsing: target)
      let error = #expect(throws: (any Error).self) { try ArrayIO.write(arrays, to: location) }
      #expect(error.map { "\($0)" } == expected)
    }
  }
}
