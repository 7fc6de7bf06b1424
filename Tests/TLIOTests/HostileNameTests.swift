import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLIO

/// Array names that cannot be written where they are going are refused before anything is
/// written, naming the target and the array.
@Suite struct HostileNameTests {
  static let one = NDArray(shape: [1], scalars: [Float(1)])

  @Test(arguments: [
    (["../../evil"], "array '../../evil' cannot be written as a file in a directory: it holds '/'"),
    ([""], "array '' cannot be written as a file in a directory: it is empty"),
    (["ok", ".hidden"], "array '.hidden' cannot be written as a file in a directory: it starts with '.'"),
  ])
  func directoryTargets(_ names: [String], _ message: String) throws {
    let root = try Fixtures.temporaryDirectory("names")
    defer { try? FileManager.default.removeItem(at: root) }
    let target = root.appendingPathComponent("a/b/DIR").path
    #expect {
      try ArrayIO.write(names.map { ($0, Self.one) }, to: .directory(path: target))
    } throws: { error in
      "\(error)".hasPrefix("\(target): \(message)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
  }

  @Test(arguments: [
    (["a..b"], "array 'a..b' cannot be an HDF5 dataset"),
    ([".a"], "array '.a' cannot be an HDF5 dataset"),
    (["a/../b"], "array 'a/../b' cannot be an HDF5 dataset"),
    (["a/"], "array 'a/' cannot be an HDF5 dataset"),
    (["a.b", "a/b"], "arrays 'a.b' and 'a/b' would both be the dataset /a/b"),
  ])
  func hdf5Targets(_ names: [String], _ words: String) throws {
    let root = try Fixtures.temporaryDirectory("names")
    defer { try? FileManager.default.removeItem(at: root) }
    let target = root.appendingPathComponent("o.h5").path
    #expect {
      try ArrayIO.write(names.map { ($0, Self.one) }, to: .hdf5(path: target))
    } throws: { error in
      "\(error)".hasPrefix("\(target): \(words)")
    }
    #expect(!FileManager.default.fileExists(atPath: target))
  }

  @Test(arguments: ["/a/../b", "/a/./b", "/a//b"])
  func hdf5DatasetPaths(_ dataset: String) throws {
    let root = try Fixtures.temporaryDirectory("names")
    defer { try? FileManager.default.removeItem(at: root) }
    let target = root.appendingPathComponent("o.h5").path
    #expect(throws: ArrayIOError.self) {
      try ArrayIO.write([("x", Self.one)], to: .hdf5Dataset(path: target, dataset: dataset))
    }
    #expect(!FileManager.default.fileExists(atPath: target))
  }

  @Test func hdf5AcceptsGroupsWrittenEitherWay() throws {
    let root = try Fixtures.temporaryDirectory("names")
    defer { try? FileManager.default.removeItem(at: root) }
    let target = root.appendingPathComponent("o.h5").path
    try ArrayIO.write([("embed.dW", Self.one), ("sub/W", Self.one)], to: .hdf5(path: target))
    #expect(try ArrayIO.readAll(.hdf5(path: target)).map(\.name).sorted() == ["embed.dW", "sub.W"])
  }
}
