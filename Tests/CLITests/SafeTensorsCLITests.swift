import Foundation
import TLTestSupport
import Testing

/// `inspect`, `convert`, `compare` and pipelines with `.safetensors` files and HDF5 files under
/// other names: exit 0 when all agree, 1 on a difference, 2 with one stderr line on an error.
@Suite struct SafeTensorsCLITests {
  static let names = "testdata/safetensors/names.safetensors"

  @Test func inspectListsEveryTensorByName() throws {
    let result = try tlRun("inspect", Self.names)
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(lines == ["NAME", "dense/kernel:0", "empty", "empty1d", "encoder.0.bias", "encoder.0.weight", "scalar"])
    let one = try tlRun("inspect", Self.names + ":encoder.0.weight")
    #expect(one.status == 0 && one.stdout.contains("encoder.0.weight  float32  (3, 2)"), "\(one.stdout)")
  }

  @Test func inspectListsABF16TensorAndExitsTwo() throws {
    let result = try tlRun("inspect", "testdata/safetensors/bf16.safetensors")
    #expect(result.status == 2)
    #expect(result.stdout.contains("w_bf16") && result.stdout.contains("BF16") && result.stdout.contains("w_f32"))
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].contains("w_bf16: BF16 has no NumPy dtype"), "\(result.stderr)")
  }

  /// safetensors → npz → safetensors keeps every name, dtype, shape and value.
  @Test func convertBothWaysAndCompare() throws {
    let directory = try Fixtures.temporaryDirectory("st-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = "testdata/safetensors/dtypes.safetensors"
    let npz = directory.appendingPathComponent("d.npz").path
    let back = directory.appendingPathComponent("d.safetensors").path
    #expect(try tlRun("convert", source, npz).status == 0)
    let converted = try tlRun("convert", npz, back)
    #expect(converted.status == 0 && converted.stdout == "wrote 12 arrays to \(back)\n", "\(converted.stdout)")
    let compared = try tlRun("compare", back, source, "--rtol", "0", "--atol", "0")
    #expect(compared.status == 0 && compared.stdout.contains("12 arrays compared: 12 passed"), "\(compared.stdout)")
    // One tensor into an existing file merges; compare one tensor with a .npy.
    let one = directory.appendingPathComponent("one.npy").path
    #expect(try tlRun("convert", source + ":int8", one).status == 0)
    #expect(try tlRun("convert", one, back + ":extra.int8").status == 0)
    #expect(try tlRun("compare", back + ":extra.int8", one).status == 0)
    #expect(try tlRun("inspect", back).stdout.contains("extra.int8"))
  }

  @Test func aDifferenceExitsOne() throws {
    let directory = try Fixtures.temporaryDirectory("st-diff")
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = directory.appendingPathComponent("n.safetensors")
    var bytes = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(Self.names))
    bytes[bytes.count - 1] ^= 0x40  // the last byte of the data: a float's sign or exponent
    try bytes.write(to: copy)
    let result = try tlRun("compare", copy.path, Self.names)
    #expect(result.status == 1 && result.stdout.contains("MISMATCH"), "\(result.stdout)")
  }

  /// A hostile file is refused by each command in one line naming the file and the tensor.
  @Test(arguments: [["inspect"], ["compare", "testdata/safetensors/names.safetensors"], ["convert", "TARGET"]])
  func aHostileFileExitsTwoInOneLine(command: [String]) throws {
    let directory = try Fixtures.temporaryDirectory("st-bad")
    defer { try? FileManager.default.removeItem(at: directory) }
    let bad = "testdata/safetensors/bad/overlap.safetensors"
    var arguments = [command[0], bad] + command.dropFirst()
    if let index = arguments.firstIndex(of: "TARGET") {
      arguments[index] = directory.appendingPathComponent("x.safetensors").path
    }
    let result = try runTLRun(arguments, in: Fixtures.repositoryRoot, environment: nil)
    #expect(result.status == 2)
    let lines = result.stderr.split(separator: "\n")
    #expect(
      lines.count == 1 && lines[0].hasPrefix("tl-run: \(bad):b: data_offsets [4, 12] overlap"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.safetensors").path))
  }

  /// A pipeline takes its params from a `.safetensors` and an HDF5 file named `.mat`, writes its
  /// outputs as `.safetensors` and checks them against a `.safetensors` reference.
  @Test func aPipelineReadsAndWritesSafetensors() throws {
    let directory = try scratchCopy("pipelines/seed_time_affine")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    func run(_ arguments: String...) throws -> ProcessResult {
      try runTLRun(arguments, in: directory, environment: nil)
    }
    #expect(try run("convert", "affine_W.npy", "w.safetensors:affine.W").status == 0)
    #expect(try run("convert", "affine_b.npy", "b.h5:/b").status == 0)
    try FileManager.default.moveItem(
      at: directory.appendingPathComponent("b.h5"), to: directory.appendingPathComponent("b.mat"))
    #expect(try run("convert", "expected", "ref.safetensors").status == 0)
    let pipeline = directory.appendingPathComponent("pipeline.json")
    var text = try String(contentsOf: pipeline, encoding: .utf8)
    for (old, new) in [
      ("affine_W.npy", "w.safetensors:affine.W"), ("affine_b.npy", "b.mat:b"), (#""out""#, #""out.safetensors""#),
      (#""expected""#, #""ref.safetensors""#),
    ] {
      text = text.replacingOccurrences(of: old, with: new)
    }
    try text.write(to: pipeline, atomically: true, encoding: .utf8)
    let result = try run("pipeline.json")
    #expect(result.status == 0 && result.stdout.contains("4 passed, 0 failed"), "\(result.stdout)\(result.stderr)")
    #expect(try run("compare", "out.safetensors", "ref.safetensors").status == 0)
  }

  /// HDF5 under other names: inspect and compare a `.mat`; a MATLAB v5 file is no array file.
  @Test func matAndNcFilesAreReadAsHDF5() throws {
    let inspect = try tlRun("inspect", "testdata/signature/matlab.mat")
    #expect(inspect.status == 0 && inspect.stdout.contains("/A     float64  (3, 2)"), "\(inspect.stdout)")
    let compare = try tlRun(
      "compare", "testdata/signature/netcdf.nc:temperature", "testdata/signature/expected/netcdf__temperature.npy")
    #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
    let v5 = try tlRun("inspect", "testdata/signature/v5.mat")
    #expect(v5.status == 2 && v5.stderr.contains("nor HDF5 by its signature"), "\(v5.stderr)")
    let target = try tlRun("convert", "testdata/signature/matlab.mat", "/tmp/tl-run-never-written.mat")
    #expect(target.status == 2 && target.stderr.contains("unknown extension .mat"), "\(target.stderr)")
  }
}
