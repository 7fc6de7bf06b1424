import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// `testdata/safetensors/manifest.json` (gen_safetensors.py): what the real `safetensors`
/// package (0.8.0) does with each file, and for the files it reads, each tensor's twin.
struct SafeTensorsManifest: Decodable {
  struct Tensor: Decodable {
    let dtype: String
    let shape: [Int]
    let npy: String
  }
  struct File: Decodable {
    /// "ok", or the error the package raised.
    let package: String
    let tensors: [String: Tensor]?
  }
  let files: [String: File]

  static func load() throws -> SafeTensorsManifest {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("safetensors/manifest.json")))
    return try JSONDecoder().decode(SafeTensorsManifest.self, from: data)
  }

  /// The files the package reads, with their tensors.
  static func readable() throws -> [String] {
    try load().files.filter { $0.value.package == "ok" && $0.value.tensors != nil }.keys.sorted()
  }
}

@Suite struct SafeTensorsReadTests {
  static func path(_ file: String) -> String { Fixtures.path("safetensors/\(file)") }

  /// Every file the package reads gives the same names (sorted, as `keys()`), dtypes, shapes
  /// and bytes as the package's own read of it, which NumPy saved beside it.
  @Test(arguments: try SafeTensorsManifest.readable())
  func readsWhatThePackageReads(_ file: String) throws {
    let expected = try #require(try SafeTensorsManifest.load().files[file]?.tensors)
    let all = try SafeTensors.readAll(path: Self.path(file))
    #expect(all.map(\.name) == expected.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
    for (name, array) in all {
      let tensor = try #require(expected[name])
      let twin = try NPY.read(path: Self.path(tensor.npy))
      #expect(array.dtype.rawValue == tensor.dtype && array.shape == tensor.shape, "\(file):\(name)")
      #expect(array == twin, "\(file):\(name): values differ")
      #expect(try SafeTensors.read(path: Self.path(file), name: name) == twin, "\(file):\(name) alone")
    }
  }

  /// Each of the twelve dtypes with a NumPy counterpart maps to it.
  @Test func everyDtypeMapsToNumPys() throws {
    let dtypes = try SafeTensors.tensors(path: Self.path("dtypes.safetensors"))
    let pairs = dtypes.map { "\($0.dtypeName)=\($0.dtype?.rawValue ?? "-")" }
    #expect(
      Set(pairs) == [
        "BOOL=bool", "F16=float16", "F32=float32", "F64=float64", "I16=int16", "I32=int32", "I64=int64",
        "I8=int8", "U16=uint16", "U32=uint32", "U64=uint64", "U8=uint8",
      ])
  }

  /// Names keep their dots, colons and slashes; a 0-d and empty tensors read.
  @Test func namesWithDotsAndEdgeShapes() throws {
    let path = Self.path("names.safetensors")
    let weight = try SafeTensors.read(path: path, name: "encoder.0.weight")
    #expect(weight.dtype == .float32 && weight.shape == [3, 2])
    #expect(try SafeTensors.read(path: path, name: "dense/kernel:0").shape == [2, 2])
    #expect(try SafeTensors.read(path: path, name: "scalar") == NDArray(scalar: Float(-2.5)))
    #expect(try SafeTensors.read(path: path, name: "empty").shape == [0, 3])
    let missing = try #require(throws: FormatError.self) { try SafeTensors.read(path: path, name: "encoder") }
    #expect(missing.member == "encoder" && missing.message.contains("no such tensor; the file holds dense/kernel:0"))
  }

  @Test func metadataIsRead() throws {
    #expect(
      try SafeTensors.metadata(path: Self.path("dtypes.safetensors")).map { "\($0.key)=\($0.value)" } == ["format=np"])
    #expect(try SafeTensors.metadata(path: Self.path("null-metadata.safetensors")).isEmpty)
    #expect(try SafeTensors.metadata(path: Self.path("pretty.safetensors")).map(\.key) == ["k"])
  }

  /// BF16 and F8 have no NumPy dtype: refused by name, while the file's other tensors read.
  @Test(arguments: [("bf16.safetensors", "w_bf16", "BF16", "w_f32"), ("f8.safetensors", "q", "F8_E4M3", "scale")])
  func dtypesWithoutNumPyTwinAreRefusedByName(file: String, refused: String, dtype: String, other: String) throws {
    let path = Self.path(file)
    let entries = try SafeTensors.tensors(path: path)
    let entry = try #require(entries.first { $0.name == refused })
    #expect(entry.dtypeName == dtype && entry.dtype == nil)
    #expect(entry.refusal?.hasPrefix("\(dtype) has no NumPy dtype") == true)
    let error = try #require(throws: FormatError.self) { try SafeTensors.readAll(path: path) }
    #expect(error.description.hasPrefix("\(path):\(refused): \(dtype) has no NumPy dtype"))
    _ = try SafeTensors.read(path: path, name: other)
    let each = try SafeTensors.readEach(path: path)
    #expect(each.map(\.entry.name).sorted() == [refused, other].sorted())
  }

  /// Every file the package refuses, tl-run refuses too, with one line naming the file.
  @Test func everythingThePackageRefusesIsRefused() throws {
    let refused = try SafeTensorsManifest.load().files.filter { $0.value.package != "ok" }.keys.sorted()
    #expect(refused.count >= 25)
    for file in refused where !file.hasPrefix("bf16") && !file.hasPrefix("f8") {
      let error = try #require(throws: FormatError.self, "\(file)") { try SafeTensors.readAll(path: Self.path(file)) }
      #expect(error.file == Self.path(file) && !error.description.contains("\n"), "\(error)")
    }
  }
}
