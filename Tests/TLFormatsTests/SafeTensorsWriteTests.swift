import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

@Suite struct SafeTensorsWriteTests {
  static func path(_ file: String) -> String { Fixtures.path("safetensors/\(file)") }

  /// What tl-run writes is byte for byte what the package's `save_file` wrote for the same
  /// tensors and metadata: order (dtype, descending, then name), compact JSON, space padding.
  @Test(arguments: [("dtypes.safetensors", "format", "np"), ("names.safetensors", "source", "gen_safetensors.py")])
  func writesWhatThePackageWrites(file: String, key: String, value: String) throws {
    let directory = try Fixtures.temporaryDirectory("st-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let arrays = try SafeTensors.readAll(path: Self.path(file))
    let out = directory.appendingPathComponent(file).path
    try SafeTensors.write(arrays.reversed(), to: out, metadata: [(key, value)])
    let written = try Data(contentsOf: URL(fileURLWithPath: out))
    let package = try Data(contentsOf: URL(fileURLWithPath: Self.path(file)))
    #expect(written == package)
  }

  /// The header is padded with spaces to a multiple of 8, and names that JSON must escape
  /// come back as they went in.
  @Test func namesAreEscapedAndTheHeaderPadded() throws {
    let directory = try Fixtures.temporaryDirectory("st-names")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("w.safetensors").path
    let names = ["q\"uote", "back\\slash", "tab\tnl\n\u{01}", "é😀", "a.b:c/d", ""]
    let arrays = names.enumerated().map { k, name in (name, NDArray(shape: [k], scalars: (0..<k).map(Float.init))) }
    try SafeTensors.write(arrays, to: out, metadata: [("m\u{1f}", "v\"")])
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    let length = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect(length % 8 == 0)
    let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
    #expect(header.contains(#""tab\tnl\n\u0001""#) && header.contains(#""m\u001f":"v\"""#))
    let back = try SafeTensors.readAll(path: out)
    #expect(Set(back.map(\.name)) == Set(names))
    for (name, array) in arrays { #expect(back.first { $0.name == name }?.array == array, "\(name)") }
    #expect(try SafeTensors.metadata(path: out).first?.value == "v\"")
  }

  /// Merging replaces the tensors of the same name and carries the others over with their
  /// bytes (a BF16 tensor tl-run cannot read too) and the file's metadata.
  @Test func mergeKeepsOtherTensorsAndMetadata() throws {
    let directory = try Fixtures.temporaryDirectory("st-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("w.safetensors").path
    try FileManager.default.copyItem(atPath: Self.path("bf16.safetensors"), toPath: out)
    try SafeTensors.write([("meta", NDArray(scalar: Int8(1)))], to: out + ".tmp", metadata: [("k", "v")])
    let replacement = NDArray(shape: [3], scalars: [Float(7), 8, 9])
    try SafeTensors.merge([("w_f32", replacement), ("new", NDArray(scalar: Int64(5)))], into: out)
    let entries = try SafeTensors.tensors(path: out)
    #expect(entries.map(\.name) == ["new", "w_bf16", "w_f32"])
    #expect(entries.first { $0.name == "w_bf16" }?.dtypeName == "BF16")
    #expect(try SafeTensors.read(path: out, name: "w_f32") == replacement)
    // The BF16 bytes are the original ones.
    let original = try SafeTensors.tensors(path: Self.path("bf16.safetensors")).first { $0.name == "w_bf16" }
    let merged = entries.first { $0.name == "w_bf16" }
    #expect(original?.shape == merged?.shape && original.map { $0.end - $0.begin } == merged.map { $0.end - $0.begin })
    // Metadata survives a merge.
    try SafeTensors.merge([("x", NDArray(scalar: Float(1)))], into: out + ".tmp")
    #expect(try SafeTensors.metadata(path: out + ".tmp").map(\.key) == ["k"])
    // No file yet: a merge writes one.
    let fresh = directory.appendingPathComponent("fresh.safetensors").path
    try SafeTensors.merge([("a", replacement)], into: fresh)
    #expect(try SafeTensors.read(path: fresh, name: "a") == replacement)
  }

  /// A damaged file is not merged into: the error names it and the file stays as it was.
  @Test func mergeIntoADamagedFileChangesNothing() throws {
    let directory = try Fixtures.temporaryDirectory("st-merge-bad")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("w.safetensors").path
    try FileManager.default.copyItem(atPath: Self.path("bad/overlap.safetensors"), toPath: out)
    let before = try Data(contentsOf: URL(fileURLWithPath: out))
    let error = try #require(throws: FormatError.self) {
      try SafeTensors.merge([("a", NDArray(scalar: Float(1)))], into: out)
    }
    #expect(error.file == out && error.message.contains("overlap"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["w.safetensors"])
  }

  @Test func reservedAndRepeatedNamesAreRefused() throws {
    let one = NDArray(scalar: Float(1))
    let reserved = try #require(throws: FormatError.self) {
      try SafeTensors.write([("__metadata__", one)], to: "/nonexistent/w.safetensors")
    }
    #expect(reserved.member == "__metadata__" && reserved.message.contains("keeps it for metadata"))
    let twice = try #require(throws: FormatError.self) {
      try SafeTensors.write([("a", one), ("a", one)], to: "/nonexistent/w.safetensors")
    }
    #expect(twice.message == "two arrays have this name")
  }

  /// The package's order: 8-byte dtypes first (U64 > I64 > F64), then 4, 2, 1 byte ones, each
  /// group by name; the data follows in that order with no gaps.
  @Test func tensorsAreOrderedAsThePackageOrdersThem() throws {
    let directory = try Fixtures.temporaryDirectory("st-order")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("w.safetensors").path
    try SafeTensors.write(
      [
        ("b", NDArray(scalar: true)), ("z", NDArray(scalar: Double(1))), ("a", NDArray(scalar: Double(2))),
        ("m", NDArray(scalar: UInt64(3))), ("h", NDArray(scalar: Float16(1))), ("i", NDArray(scalar: Int64(4))),
        ("f", NDArray(scalar: Float(5))),
      ], to: out)
    let entries = try SafeTensors.tensors(path: out).sorted { $0.begin < $1.begin }
    #expect(entries.map(\.name) == ["m", "i", "a", "z", "f", "h", "b"])
    #expect(entries.map(\.begin) == [0, 8, 16, 24, 32, 36, 38])
  }
}
