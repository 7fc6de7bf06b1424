import Foundation
import TLArray
import TLIO
import TLTestSupport
import Testing

/// An array of `dtype` whose bytes follow a fixed pseudo-random sequence, so any bit pattern
/// (integer extremes, NaN payloads, −0.0) can occur; bool elements are 0 or 1.
func patternArray(_ dtype: DType, shape: [Int], seed: UInt64) -> NDArray {
  var array = NDArray(zeros: dtype, shape: shape)
  var state = seed
  array.withUnsafeMutableBytes { bytes in
    for index in bytes.indices {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let byte = UInt8(truncatingIfNeeded: state >> 56)
      bytes[index] = dtype == .bool ? byte & 1 : byte
    }
  }
  return array
}

/// Every form a location may take, written through ``ArrayIO`` and read back through it: the
/// same names, dtypes, shapes and bytes, for every dtype and for 0-d, empty and 3-d arrays.
@Suite struct ArrayIORoundTripTests {
  static let shapes: [[Int]] = [[], [0], [2, 3, 4]]

  /// `name` in a fresh directory that `body` gets, removed afterwards.
  func inScratch(_ body: (URL) throws -> Void) throws {
    let directory = try Fixtures.temporaryDirectory("io-roundtrip")
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
  }

  static func arrays(_ dtype: DType) -> [(name: String, array: NDArray)] {
    shapes.enumerated().map { index, shape in
      ("a\(index)", patternArray(dtype, shape: shape, seed: UInt64(index + 1) * 7))
    }
  }

  /// One array to one file or member: .npy, .npz:key, .h5:/dataset.
  @Test(arguments: DType.allCases, ["x.npy", "x.npz:w", "x.h5:/g/w", "x.hdf5:/w"])
  func singleArrayLocations(dtype: DType, target: String) throws {
    try inScratch { directory in
      let location = ArrayLocation(parsing: directory.appendingPathComponent(target).path)
      #expect(location.isSingleArray)
      for (_, array) in Self.arrays(dtype) {
        try ArrayIO.write([("ignored", array)], to: location)
        let back = try ArrayIO.read(location)
        #expect(back.dtype == dtype && back.shape == array.shape, "\(target) \(Shape.describe(array.shape))")
        #expect(back == array, "\(target) \(dtype) \(Shape.describe(array.shape))")
      }
    }
  }

  /// Several arrays to a collection: a directory, an .npz (stored and deflated), an .h5 (plain
  /// and gzip). Names come back sorted and whole (dotted names become HDF5 groups and back).
  @Test(
    arguments: DType.allCases, [("dir/", false), ("c.npz", false), ("c.npz", true), ("c.h5", false), ("c.h5", true)])
  func collections(dtype: DType, target: (path: String, compress: Bool)) throws {
    let (target, compress) = target
    try inScratch { directory in
      let location = ArrayLocation(parsing: directory.appendingPathComponent(target).path)
      #expect(!location.isSingleArray)
      var arrays = Self.arrays(dtype)
      if !target.hasSuffix("/") { arrays.append(("layer.dW", patternArray(dtype, shape: [3, 2], seed: 99))) }
      try ArrayIO.write(arrays, to: location, compress: compress)
      let back = try ArrayIO.readAll(location)
      #expect(back.map(\.name) == arrays.map(\.name).sorted())
      for (name, array) in arrays {
        let read = try #require(back.first { $0.name == name }?.array, "\(target): no \(name)")
        #expect(read.dtype == dtype && read.shape == array.shape, "\(target) \(name)")
        #expect(read == array, "\(target) \(name)")
      }
    }
  }

  /// A collection holding one array reads as that array; holding more, it names one to pick.
  @Test func aCollectionReadAsOneArrayMustHoldExactlyOne() throws {
    try inScratch { directory in
      let one = ArrayLocation(parsing: directory.appendingPathComponent("one.npz").path)
      let array = patternArray(.float32, shape: [2], seed: 3)
      try ArrayIO.write([("W", array)], to: one)
      #expect(try ArrayIO.read(one) == array)
      let two = ArrayLocation(parsing: directory.appendingPathComponent("two.h5").path)
      try ArrayIO.write([("W", array), ("b.x", array)], to: two)
      let error = try #require(throws: ArrayIOError.self) { try ArrayIO.read(two) }
      #expect(error.message == "holds 2 arrays; name one (\(two.path):/W)")
    }
  }

  /// One array location given several arrays refuses before writing anything.
  @Test(arguments: ["x.npy", "x.npz:w", "x.h5:/w"])
  func aSingleArrayTargetRefusesSeveral(target: String) throws {
    try inScratch { directory in
      let location = ArrayLocation(parsing: directory.appendingPathComponent(target).path)
      let array = patternArray(.int16, shape: [2], seed: 5)
      let error = try #require(throws: ArrayIOError.self) {
        try ArrayIO.write([("a", array), ("b", array)], to: location)
      }
      #expect(error.message.hasPrefix("names one array but there are 2"))
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
  }
}
