import Foundation
import TLTestSupport
import Testing

/// Every committed example, run as a user would, in a scratch copy: all agree with NumPy.
@Test(
  arguments: try FileManager.default.contentsOfDirectory(
    atPath: Fixtures.repositoryRoot.appendingPathComponent("pipelines").path
  )
  .filter {
    FileManager.default.fileExists(
      atPath: Fixtures.repositoryRoot.appendingPathComponent("pipelines/\($0)/pipeline.json").path)
  }
  .sorted())
func examplePipelinesPass(example: String) throws {
  let directory = try scratchCopy("pipelines/\(example)")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
  #expect(result.status == 0, "\(example): \(result.stdout)\(result.stderr)")
  #expect(result.stdout.contains("0 failed"), "\(result.stdout)")
}

@Test func aBrokenReferenceExitsOneAndPointsAtTheElement() throws {
  let directory = try scratchCopy("pipelines/seed_time_embedding")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  // Flip the exponent's low bit of dW[8, 2] (the fourth float64 from the end; row 9 is zero):
  // the value halves or doubles.
  let file = directory.appendingPathComponent("expected/embed.dW.npy")
  var bytes = try Data(contentsOf: file)
  bytes[bytes.count - 26] ^= 0x10
  try bytes.write(to: file)
  let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
  #expect(result.status == 1)
  #expect(result.stdout.contains("embed.dW") && result.stdout.contains("[8, 2]"), "\(result.stdout)")
  let json = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--json")
  #expect(json.status == 1 && json.stdout.contains("\"status\" : \"mismatch\""), "\(json.stdout)")
}

@Test func commandLineTolerancesOverrideTheDefaults() throws {
  let directory = try scratchCopy("pipelines/seed_time_affine")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let file = directory.appendingPathComponent("expected/affine.db.npy")
  var bytes = try Data(contentsOf: file)
  bytes[bytes.count - 8] ^= 0x01  // the lowest mantissa bit of db[4]: a difference of one ulp
  try bytes.write(to: file)
  let pipeline = directory.appendingPathComponent("pipeline.json").path
  #expect(try tlRun(pipeline).status == 0, "one ulp is within the float64 default")
  #expect(try tlRun(pipeline, "--rtol", "0", "--atol", "0").status == 1)
}

/// A bad pipeline exits 2 with one line naming the file and the field, and writes nothing.
@Test(arguments: [
  (#""version": 1,"#, #""version": 7,"#, "version: unsupported version 7"),
  (#""W": "embed_W.npy""#, #""Wz": "embed_W.npy""#, "layers[0].params.Wz"),
  (#""input": "xs.npy""#, #""input": "nope.npy""#, "input: nope.npy: no such file"),
  (#""dout": "dout.npy""#, #""dout": "embed_W.npy""#, "dout: shape (10, 3) does not match"),
  (#""outputs": "out""#, #""outputs": "result.txt""#, "outputs: result.txt: unknown extension .txt"),
])
func badPipelinesExitTwo(find: String, replace: String, fragment: String) throws {
  let directory = try scratchCopy("pipelines/seed_time_embedding")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let file = directory.appendingPathComponent("pipeline.json")
  let text = try String(contentsOf: file, encoding: .utf8)
  #expect(text.contains(find))
  try text.replacingOccurrences(of: find, with: replace).write(to: file, atomically: true, encoding: .utf8)
  let result = try tlRun(file.path)
  #expect(result.status == 2)
  #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(fragment), "\(result.stderr)")
  #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("result.txt").path))
}

/// `--intermediates` and then a plain run: the outputs hold the plain run's arrays only, so a
/// later `compare` of the outputs counts no stale `lstm.out` (an .h5 and a directory alike).
@Test(arguments: ["out.h5", "out"])
func aPlainRunLeavesNoIntermediatesBehind(outputs: String) throws {
  let directory = try scratchCopy("pipelines/lstm_h5")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let file = directory.appendingPathComponent("pipeline.json")
  let text = try String(contentsOf: file, encoding: .utf8)
  try text.replacingOccurrences(of: #""outputs": "out.h5""#, with: #""outputs": "\#(outputs)""#)
    .write(to: file, atomically: true, encoding: .utf8)
  let target = directory.appendingPathComponent(outputs).path
  let stale = outputs == "out" ? "lstm.out" : "/lstm/out"
  let first = try tlRun(file.path, "--intermediates")
  #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
  #expect(try tlRun("inspect", target).stdout.contains(stale))

  let second = try tlRun(file.path)
  #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
  let listing = try tlRun("inspect", target)
  #expect(listing.status == 0 && !listing.stdout.contains(stale), "\(listing.stdout)")
  #expect(listing.stdout.split(separator: "\n").count == 1 + 8, "out, dx, 3 grads, h, c, dh: \(listing.stdout)")
  let compared = try tlRun("compare", target, directory.appendingPathComponent("expected.h5").path)
  #expect(compared.status == 0, "\(compared.stdout)")
  #expect(compared.stdout.contains("0 unchecked") && compared.stdout.contains("8 passed"), "\(compared.stdout)")
}

/// Which of several bad sources an error names does not depend on the run: a layer's params,
/// inputs, state and options are loaded in key order (Swift's dictionaries iterate in an order
/// seeded per process; the same pipeline once named `params.W` or `params.b` run by run).
@Test func theFirstBadSourceIsTheSameEveryRun() throws {
  let directory = try Fixtures.temporaryDirectory("first-error")
  defer { try? FileManager.default.removeItem(at: directory) }
  let fixture = Fixtures.path("layers/time_affine_f32")
  let pipeline = """
    {"version": 1, "input": "\(fixture)/x.npy", "dout": "\(fixture)/dout.npy",
     "layers": [{"type": "TimeAffine", "name": "affine",
     "params": {"b": "missing_b.npy", "W": "missing_W.npy"}}], "outputs": "out"}
    """
  try Data(pipeline.utf8).write(to: directory.appendingPathComponent("pipeline.json"))
  var lines = Set<String>()
  for _ in 0..<6 {
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 2, "\(result.stderr)")
    lines.insert(result.stderr)
  }
  #expect(lines.count == 1, "\(lines)")
  #expect(lines.first?.contains("params.W") == true, "\(lines)")
}

/// The files are read side by side, but the error is still the first failing source's in
/// load order: a malformed `.npy` input before a valid param, and before an HDF5 file that
/// crashes libhdf5 (its crash guard would end the process with its own line if that file were
/// read ahead), and a missing param before a malformed one.
@Test func theErrorIsTheFirstFailingSourceInLoadOrder() throws {
  let directory = try Fixtures.temporaryDirectory("first-error-order")
  defer { try? FileManager.default.removeItem(at: directory) }
  let fixture = Fixtures.path("layers/time_affine_f32")
  let crash = Fixtures.path("hostile/enum-size-crash.h5")
  try Data("not an npy file".utf8).write(to: directory.appendingPathComponent("bad_x.npy"))
  let cases: [(input: String, params: String, expected: String)] = [
    ("bad_x.npy", #""W": "\#(fixture)/W.npy", "b": "\#(crash):/b""#, "input"),
    ("\(fixture)/x.npy", #""W": "missing_W.npy", "b": "bad_x.npy""#, "params.W"),
    ("\(fixture)/x.npy", #""W": "bad_x.npy", "b": "missing_b.npy""#, "params.W"),
  ]
  for (index, entry) in cases.enumerated() {
    let pipeline = """
      {"version": 1, "input": "\(entry.input)", "dout": "\(fixture)/dout.npy",
       "layers": [{"type": "TimeAffine", "name": "affine", "params": {\(entry.params)}}], "outputs": "out"}
      """
    let file = directory.appendingPathComponent("pipeline\(index).json")
    try Data(pipeline.utf8).write(to: file)
    let result = try tlRun(file.path)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains(entry.expected) && !result.stderr.contains("libhdf5"), "\(index): \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
  }
}
