import Foundation
import TLArray
import TLFormats
import TLIO
import TLTestSupport
import Testing

/// `w.safetensors:name` splits at the first `.safetensors:`, so tensor names keep their dots;
/// whichever of `.npz:`, `.safetensors:` and `.h5:` comes first decides.
@Suite struct SafeTensorsLocationTests {
  @Test(arguments: [
    (
      "w.safetensors:encoder.0.weight", ArrayLocation.safetensorsTensor(path: "w.safetensors", name: "encoder.0.weight")
    ),
    ("W.SafeTensors:dense/kernel:0", .safetensorsTensor(path: "W.SafeTensors", name: "dense/kernel:0")),
    ("dir:x/w.safetensors:a", .safetensorsTensor(path: "dir:x/w.safetensors", name: "a")),
    ("w.safetensors:x.npz:y", .safetensorsTensor(path: "w.safetensors", name: "x.npz:y")),
    ("w.safetensors:x.h5:/y", .safetensorsTensor(path: "w.safetensors", name: "x.h5:/y")),
    ("a.npz:x.safetensors:y", .npzMember(path: "a.npz", member: "x.safetensors:y")),
    ("a.h5:/g.safetensors:y", .hdf5Dataset(path: "a.h5", dataset: "/g.safetensors:y")),
    ("w.safetensors", .safetensors(path: "w.safetensors")),
    ("w.safetensors:", .directory(path: "w.safetensors:")),
  ])
  func parses(_ text: String, _ location: ArrayLocation) {
    #expect(ArrayLocation(parsing: text) == location)
  }

  @Test func aTensorKeepsItsNameAndDescription() throws {
    let location = ArrayLocation(parsing: "w.safetensors:encoder.0.weight")
    #expect(location.arrayName == "encoder.0.weight" && location.description == "w.safetensors:encoder.0.weight")
    #expect(location.isSingleArray && !ArrayLocation(parsing: "w.safetensors").isSingleArray)
    #expect(ArrayLocation.unknownExtension("w.safetensors") == nil)
    #expect(
      try ArrayLocation(target: "/tmp/no-such-dir-xyz/w.safetensors")
        == .safetensors(path: "/tmp/no-such-dir-xyz/w.safetensors"))
  }

  /// A collection reads through ArrayIO as `.npz` does; writing merges or replaces.
  @Test func readsAndWritesThroughArrayIO() throws {
    let directory = try Fixtures.temporaryDirectory("st-io")
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = Fixtures.path("safetensors/names.safetensors")
    let all = try ArrayIO.readAll(ArrayLocation(parsing: source))
    #expect(all.count == 6)
    let one = try ArrayIO.read(ArrayLocation(parsing: source + ":encoder.0.bias"))
    #expect(one.shape == [3])
    let out = directory.appendingPathComponent("o.safetensors").path
    try ArrayIO.write(all, to: ArrayLocation(parsing: out))
    try ArrayIO.write([("extra", one)], to: ArrayLocation(parsing: out + ":extra"))
    #expect(try ArrayIO.readAll(ArrayLocation(parsing: out)).map(\.name).contains("extra"))
    try ArrayIO.write([("only", one)], to: ArrayLocation(parsing: out), mode: .replace)
    #expect(try ArrayIO.readAll(ArrayLocation(parsing: out)).map(\.name) == ["only"])
    let refused = #expect(throws: ArrayIOError.self) {
      try ArrayIO.write([("only", one)], to: ArrayLocation(parsing: out), protecting: [out])
    }
    #expect(refused?.message.contains("refusing to write over an input") == true)
  }

  @Test func inspectListsEveryTensorAndTheRefusedOnes() throws {
    let rows = try ArrayInspector.inspect(ArrayLocation(parsing: Fixtures.path("safetensors/bf16.safetensors")))
    #expect(rows.map(\.name) == ["w_bf16", "w_f32"])
    #expect(
      rows[0].dtype == "BF16" && rows[0].shape == [3] && rows[0].unreadable?.contains("BF16 has no NumPy dtype") == true
    )
    #expect(rows[1].dtype == "float32" && rows[1].unreadable == nil)
  }
}

/// HDF5 files are recognised by the signature at 0 or at a user-block boundary, whatever their
/// extension: a MATLAB v7.3 `.mat`, a netCDF-4 `.nc`.
@Suite struct HDF5SignatureTests {
  static func path(_ file: String) -> String { Fixtures.path("signature/\(file)") }

  @Test(arguments: [
    ("matlab.mat", ["A", "flag", "n", "v"]), ("netcdf.nc", ["temperature", "time", "x"]), ("userblock.bin", ["g.w"]),
  ])
  func wholeFilesReadAsH5pyReadsThem(file: String, names: [String]) throws {
    let location = ArrayLocation(parsing: Self.path(file))
    #expect(location.recognizingHDF5() == .hdf5(path: Self.path(file)))
    let all = try ArrayIO.readAll(location)
    #expect(all.map(\.name) == names)
    let stem = file.split(separator: ".")[0]
    for (name, array) in all {
      let twin = try NPY.read(
        path: Self.path("expected/\(stem)__\(name.replacingOccurrences(of: ".", with: "__")).npy"))
      #expect(array == twin, "\(file): \(name)")
    }
  }

  /// MATLAB stores column-major: its 2×3 matrix reads as 3×2, its column vector as (1, 3).
  @Test func matlabMatricesReadTransposed() throws {
    let a = try ArrayIO.read(ArrayLocation(parsing: Self.path("matlab.mat") + ":/A"))
    #expect(a == NDArray(shape: [3, 2], scalars: [1.0, 4, 2, 5, 3, 6]))
    let v = try ArrayIO.read(ArrayLocation(parsing: Self.path("matlab.mat") + ":v"))
    #expect(v.shape == [1, 3])
    #expect(try ArrayIO.read(ArrayLocation(parsing: Self.path("netcdf.nc") + ":temperature")).shape == [4, 3])
  }

  @Test func dataSetSourcesAndRelativePaths() {
    #expect(
      ArrayLocation(parsing: Self.path("matlab.mat") + ":A").recognizingHDF5()
        == .hdf5Dataset(path: Self.path("matlab.mat"), dataset: "/A"))
    let relative = ArrayLocation(parsing: "matlab.mat:/g:/x").recognizingHDF5(lookingIn: ["/nowhere", Self.path("")])
    #expect(relative == .hdf5Dataset(path: "matlab.mat", dataset: "/g:/x"))
    #expect(ArrayLocation(parsing: "v5.mat").recognizingHDF5(lookingIn: [Self.path("")]) == .directory(path: "v5.mat"))
    #expect(ArrayLocation(parsing: Self.path("")).recognizingHDF5() == .directory(path: Self.path("")))
    #expect(ArrayLocation.hasHDF5Signature(Self.path("userblock.bin")))
    #expect(!ArrayLocation.hasHDF5Signature(Self.path("v5.mat")))
  }

  /// A file that is neither HDF5 nor of a known extension is named as such.
  @Test func aMATLABv5FileIsNotHDF5() throws {
    let error = try #require(throws: ArrayIOError.self) {
      try ArrayIO.readAll(ArrayLocation(parsing: Self.path("v5.mat")))
    }
    #expect(error.message.contains("nor HDF5 by its signature"))
  }
}
