import Foundation
import TLArray
import TLFormats
import TLIO
import TLTestSupport
import Testing

/// A directory of `.npy` outputs large enough to be written on several cores at once: the same
/// files as one write after another, and the same state after a write that fails part way.
@Suite struct ParallelWriteTests {
  /// Six arrays, 6 MB in all (over the 4 MB from which the bytes are written in parallel).
  static let arrays: [(name: String, array: NDArray)] = (0..<6).map {
    ("a\($0)", patternArray($0 % 2 == 0 ? .float32 : .float64, shape: [250, 500 + $0], seed: UInt64($0 + 1)))
  }

  /// Every file holds the bytes `np.save` writes (NPY's own writer, which the round-trip tests
  /// check against NumPy's files), and no temporary is left.
  @Test func filesEqualThoseWrittenOneByOne() throws {
    let directory = try Fixtures.temporaryDirectory("parallel-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let parallel = directory.appendingPathComponent("parallel")
    let serial = directory.appendingPathComponent("serial")
    try ArrayIO.write(Self.arrays, to: .directory(path: parallel.path))
    try FileManager.default.createDirectory(at: serial, withIntermediateDirectories: true)
    for (name, array) in Self.arrays { try NPY.write(array, to: serial.appendingPathComponent(name + ".npy").path) }
    for (name, _) in Self.arrays {
      let written = try Data(contentsOf: parallel.appendingPathComponent(name + ".npy"))
      let expected = try Data(contentsOf: serial.appendingPathComponent(name + ".npy"))
      #expect(written == expected, "\(name).npy differs")
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: parallel.path).sorted()
        == Self.arrays.map { $0.name + ".npy" })
  }

  /// A target in the middle that cannot be written (a directory by that name): the files before
  /// it are in place, the error names it as a write one by one would, and nothing after it nor
  /// any temporary file appears.
  @Test func aFailurePartWayLeavesTheFilesBeforeIt() throws {
    let directory = try Fixtures.temporaryDirectory("parallel-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let blocked = directory.appendingPathComponent("a3.npy")
    try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: true)
    var message = ""
    do {
      try ArrayIO.write(Self.arrays, to: .directory(path: directory.path))
      Issue.record("the write went through a directory named a3.npy")
    } catch {
      message = "\(error)"
    }
    #expect(message.contains("a3.npy"), "\(message)")
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(left == ["a0.npy", "a1.npy", "a2.npy", "a3.npy"], "\(left)")
    for (name, array) in Self.arrays.prefix(3) {
      #expect(try NPY.read(path: directory.appendingPathComponent(name + ".npy").path) == array)
    }
    #expect(Self.openFiles(in: directory.path).isEmpty, "staged files left open: \(Self.openFiles(in: directory.path))")
  }

  /// This process's open descriptors on files in `directory` (an unnamed staged file shows as
  /// `DIRECTORY/#INODE (deleted)`).
  static func openFiles(in directory: String) -> [String] {
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
      .filter { $0.hasPrefix(directory + "/") }
  }
}
