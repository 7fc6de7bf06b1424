import Foundation
import TLTestSupport
import Testing

/// Large `.npy` inputs are mapped from the file (TLFormats' MappedData) and the crash guard
/// watches the mapping: the values are the file's, and a file truncated under the mapping is
/// exit status 2 with one line naming it, never SIGBUS, with nothing written. The truncation is
/// simulated by `TL_RUN_TEST_MAP_PAST_END`, which places the data two pages past the file's
/// bytes (the file is not changed), so the last pages lie past its end as after a truncation;
/// debug builds only (the tests run the debug tl-run built beside them).
@Suite struct MappedInputCLITests {
  /// A float32 `.npy` as `np.save` writes it: the 128-byte version 1.0 header, then the data.
  static func npy(rows: Int, cols: Int) -> Data {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
    header += String(repeating: " ", count: 128 - 10 - header.utf8.count - 1) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0])
    data += Data(header.utf8)
    for index in 0..<(rows * cols) {
      withUnsafeBytes(of: Float(index % 1009) / 64 - 7) { data += Data($0) }  // little-endian host
    }
    return data
  }

  static let past = ["TL_RUN_TEST_MAP_PAST_END": "1"]

  static func environment(_ extra: [String: String]) -> [String: String] {
    ProcessInfo.processInfo.environment.merging(extra) { $1 }
  }

  /// A version-1 pipeline in `directory`: x (64×600) through a MatMul whose W (600×512, 1.2 MB)
  /// is mapped, with a given dout (64×512), outputs to `out`.
  static func writeMatMulCase(in directory: URL) throws {
    try npy(rows: 600, cols: 512).write(to: directory.appendingPathComponent("W.npy"))
    try npy(rows: 64, cols: 600).write(to: directory.appendingPathComponent("x.npy"))
    try npy(rows: 64, cols: 512).write(to: directory.appendingPathComponent("dout.npy"))
    let pipeline = """
      {"version": 1, "input": "x.npy", "dout": "dout.npy", "outputs": "out",
       "layers": [{"name": "affine", "type": "MatMul", "params": {"W": "W.npy"}}]}
      """
    try pipeline.write(to: directory.appendingPathComponent("pipeline.json"), atomically: true, encoding: .utf8)
  }

  static func entries(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  /// 512×600 float32 (1.2 MB, mapped): `convert` copies the file's bytes exactly.
  @Test func aMappedInputHoldsTheFilesValues() throws {
    let directory = try Fixtures.temporaryDirectory("mapped")
    defer { try? FileManager.default.removeItem(at: directory) }
    let bytes = Self.npy(rows: 512, cols: 600)
    try bytes.write(to: directory.appendingPathComponent("W.npy"))
    let result = try runTLRun(["convert", "W.npy", "copy.npy"], in: directory, environment: nil)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Data(contentsOf: directory.appendingPathComponent("copy.npy")) == bytes)
  }

  /// The same file truncated under the mapping: one line, exit 2, no copy, no temporary.
  @Test func aTruncatedMappedInputIsExitTwoNamingIt() throws {
    let directory = try Fixtures.temporaryDirectory("mapped-shrunk")
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.npy(rows: 512, cols: 600).write(to: directory.appendingPathComponent("W.npy"))
    let result = try runTLRun(
      ["convert", "W.npy", "copy.npy"], in: directory, environment: Self.environment(Self.past))
    #expect(result.status == 2 && !result.signaled, "\(result.stderr)")
    #expect(
      result.stderr
        == "tl-run: W.npy: file shrank or could not be read during the run (truncated by another process?)\n")
    #expect(try Self.entries(directory) == ["W.npy"])
  }

  /// The same for every kind of target: the writers that read the array in user space (zlib,
  /// the safetensors writer), libhdf5 writing straight from it, and `.npy` through write(2);
  /// no temporary file stays behind.
  @Test(arguments: ["copy.npz", "copy.h5", "copy.safetensors", "copy.npz:W", "out"])
  func everyTargetReportsTheTruncatedInput(_ target: String) throws {
    let directory = try Fixtures.temporaryDirectory("mapped-targets")
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.npy(rows: 512, cols: 600).write(to: directory.appendingPathComponent("W.npy"))
    let result = try runTLRun(
      ["convert", "W.npy", target], in: directory, environment: Self.environment(Self.past))
    #expect(result.status == 2 && !result.signaled, "\(result.stderr)")
    #expect(
      result.stderr
        == "tl-run: W.npy: file shrank or could not be read during the run (truncated by another process?)\n")
    // A directory target is made before its files are written; it stays, empty.
    #expect(try Self.entries(directory).filter { $0 != target } == ["W.npy"])
    if target == "out" { #expect(try Self.entries(directory.appendingPathComponent("out")) == []) }
  }

  /// Training updates its params in place; mapped (the fixture's small files, with
  /// `TL_RUN_TEST_MAP_MINIMUM`), they are private copy-on-write pages: the run matches the
  /// reference NumPy wrote, and the param files keep their bytes.
  @Test func trainingUpdatesMappedParamsWithoutWritingTheirFiles() throws {
    let model = try scratchCopy("testdata/models/rnnlm_sgd_f32")
    defer { try? FileManager.default.removeItem(at: model.deletingLastPathComponent()) }
    let converted = try runTLRun(["convert", "params.npz", "pdir"], in: model, environment: nil)
    #expect(converted.status == 0, "\(converted.stderr)")
    let directory = model.appendingPathComponent("pdir")
    let names = try Self.entries(directory)
    #expect(names.count > 3)
    let before = try names.map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    let pipeline = model.appendingPathComponent("pipeline.json")
    let text = try String(contentsOf: pipeline, encoding: .utf8)
    try text.replacingOccurrences(of: "\"params.npz\"", with: "\"pdir\"")
      .write(to: pipeline, atomically: true, encoding: .utf8)
    let result = try runTLRun(
      ["pipeline.json"], in: model, environment: Self.environment(["TL_RUN_TEST_MAP_MINIMUM": "64"]))
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains(" passed, 0 failed, 0 unchecked"), "\(result.stdout)")
    let after = try names.map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    #expect(after == before)
  }

  /// With `--json` the guard's report is also the command's JSON error object on stdout, its
  /// message the stderr line's (as every other error's): `inspect`'s and a pipeline run's.
  @Test(arguments: [["inspect", "W.npy", "--json"], ["pipeline.json", "--json"]])
  func jsonGetsTheReportToo(_ arguments: [String]) throws {
    let directory = try Fixtures.temporaryDirectory("mapped-json")
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.writeMatMulCase(in: directory)
    let result = try runTLRun(arguments, in: directory, environment: Self.environment(Self.past))
    #expect(result.status == 2 && !result.signaled, "\(result.stderr)")
    let line = try #require(result.stderr.split(separator: "\n").first.map(String.init))
    #expect(result.stderr == line + "\n" && line.hasPrefix("tl-run: "))
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(object?["status"] as? String == "error")
    #expect(object?["message"] as? String == String(line.dropFirst("tl-run: ".count)))
    if arguments[0] == "inspect" { #expect(object?["exit_status"] as? Int == 2) }
    if arguments[0] == "pipeline.json" { #expect(object?["name"] as? String == "pipeline.json") }
  }

  /// Small data is read, not mapped: the simulation does not touch it.
  @Test func smallInputsAreRead() throws {
    let directory = try Fixtures.temporaryDirectory("mapped-small")
    defer { try? FileManager.default.removeItem(at: directory) }
    let bytes = Self.npy(rows: 16, cols: 600)
    try bytes.write(to: directory.appendingPathComponent("W.npy"))
    let result = try runTLRun(
      ["convert", "W.npy", "copy.npy"], in: directory, environment: Self.environment(Self.past))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Data(contentsOf: directory.appendingPathComponent("copy.npy")) == bytes)
  }

  /// A pipeline whose MatMul W (600×512, mapped) is truncated under it: the product reads it on
  /// OpenBLAS's or the pool's threads, and the fault there is reported the same way; no
  /// output directory appears.
  @Test func aTruncatedParameterStopsThePipelineOnAnyThread() throws {
    let directory = try Fixtures.temporaryDirectory("mapped-pipeline")
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.writeMatMulCase(in: directory)
    let clean = try runTLRun(["pipeline.json"], in: directory, environment: nil)
    #expect(clean.status == 0, "\(clean.stderr)")
    try FileManager.default.removeItem(at: directory.appendingPathComponent("out"))
    let result = try runTLRun(["pipeline.json"], in: directory, environment: Self.environment(Self.past))
    #expect(result.status == 2 && !result.signaled, "\(result.stderr)")
    #expect(
      result.stderr
        == "tl-run: ./W.npy: file shrank or could not be read during the run (truncated by another process?)\n")
    #expect(try Self.entries(directory) == ["W.npy", "dout.npy", "pipeline.json", "x.npy"])
  }
}
