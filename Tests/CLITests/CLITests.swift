import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

@Test func inspectListsDTypeShapeAndStatistics() throws {
  let result = try tlRun("inspect", "testdata/npy/c_order/float64.npy")
  #expect(result.status == 0, "\(result.stderr)")
  let lines = result.stdout.split(separator: "\n")
  #expect(lines.first?.hasPrefix("NAME") == true)
  #expect(lines.count == 2 && lines[1].contains("float64") && lines[1].contains("(3, 4)"), "\(result.stdout)")
}

/// Every dataset is listed, those tl-run cannot read (lzf, strings) with the reason; then exit
/// status 2 with one line naming the file.
@Test func inspectListsEveryDatasetOfAnHDF5File() throws {
  let result = try tlRun("inspect", "testdata/h5/data.h5")
  #expect(result.status == 2, "\(result.stderr)")
  #expect(result.stdout.contains("/nested/group/deep/x") && result.stdout.contains("shuffle, deflate"))
  #expect(result.stdout.contains("unreadable: compressed with filter 'lzf'"))
  #expect(result.stdout.split(separator: "\n").count == 31, "a header and 30 datasets")
  // String and variable-length datasets are listed as unreadable too, as a reference would find them.
  #expect(result.stdout.contains("unreadable: variable-length string is not a numeric type tl-run reads"))
  let lines = result.stderr.split(separator: "\n")
  #expect(
    lines.count == 1 && lines[0].contains("testdata/h5/data.h5") && lines[0].contains("arrays unreadable"),
    "\(result.stderr)")
}

/// Each malformed input gives status 2 and exactly one stderr line naming the file.
@Test(arguments: [
  ["inspect", "testdata/bad/truncated-data.npy"],
  ["inspect", "testdata/bad/zip.npy"],
  ["inspect", "testdata/bad/crc.npz:W"],
  ["inspect", "testdata/h5/truncated.h5"],
  ["inspect", "testdata/h5/data.h5:/strings/vlen"],
  ["inspect", "testdata/h5/data.h5:/nested/missing"],
  ["inspect", "testdata/npz/stored.npz:nope"],
  ["inspect", "no/such/file.npy"],
  ["compare", "testdata/npy/c_order/float32.npy", "testdata/bad/empty.npy"],
])
func badInputsExitTwoWithOneLine(arguments: [String]) throws {
  let process = try tlRunArray(arguments)
  #expect(process.status == 2)
  let lines = process.stderr.split(separator: "\n")
  #expect(lines.count == 1, "stderr: \(process.stderr)")
  let file = arguments.last.map { String($0.split(separator: ":").first ?? "") } ?? ""
  #expect(process.stderr.contains(file), "stderr does not name \(file): \(process.stderr)")
  #expect(process.stdout.isEmpty)
}

@Test func badArgumentsExitTwo() throws {
  #expect(try tlRun("compare", "only-one.npy").status == 2)
  #expect(try tlRun("compare", "a.npy", "b.npy", "--rtol", "-1").status == 2)
  #expect(try tlRun("--help").status == 0)
}

@Test func compareExitStatusFollowsTheResult() throws {
  let same = try tlRun("compare", "testdata/npy/c_order", "testdata/npy/c_order")
  #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
  let directory = try scratchCopy("testdata/layers/time_affine_f32")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  // Change the last float32 element of out (0.10125196, in an array of scale 6.3) by ~6 %:
  // flip mantissa bit 19, in the second-to-last byte of the little-endian data.
  let file = directory.appendingPathComponent("out.npy")
  var bytes = try Data(contentsOf: file)
  bytes[bytes.count - 2] ^= 0x08
  try bytes.write(to: file)
  let changed = try tlRun("compare", directory.path, "testdata/layers/time_affine_f32")
  #expect(changed.status == 1)
  #expect(
    changed.stdout.contains("float32") && changed.stdout.contains("Mismatched elements: 1 / 30"), "\(changed.stdout)")
  #expect(changed.stdout.contains("[1, 2, 4]"), "the report must point at the element: \(changed.stdout)")
  #expect(
    changed.stdout.contains(
      "  tolerance: rtol 4.77e-05 atol 0.000302 (default: float32 arithmetic, sums of ~10000 terms, scale 6.32)"),
    "\(changed.stdout)")
  let shape = try tlRun("compare", "testdata/npy/c_order/float32.npy", "testdata/npy/fortran_3d/float32.npy")
  #expect(shape.status == 1 && shape.stdout.lowercased().contains("shape"), "\(shape.stdout)")
}

@Test func convertRoundTripsByteIdentically() throws {
  let directory = try Fixtures.temporaryDirectory("convert")
  defer { try? FileManager.default.removeItem(at: directory) }
  let npz = directory.appendingPathComponent("all.npz").path
  let h5 = directory.appendingPathComponent("all.h5").path
  let back = directory.appendingPathComponent("back").path
  #expect(try tlRun("convert", "testdata/npy/c_order", npz, "--compress").status == 0)
  #expect(try tlRun("convert", npz, h5).status == 0)
  let toDirectory = try tlRun("convert", h5, back)
  #expect(toDirectory.status == 0, "\(toDirectory.stderr)")
  for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("npy/c_order"))
  where name.hasSuffix(".npy") {
    let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npy/c_order/\(name)")))
    let copied = try Data(contentsOf: URL(fileURLWithPath: back).appendingPathComponent(name))
    #expect(original == copied, "\(name) changed on its way through .npz and .h5")
  }
}

@Test func convertNeverWritesOverItsSource() throws {
  let file = try scratchCopy("testdata/npy/c_order/int32.npy")
  defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
  let before = try Data(contentsOf: file)
  let result = try tlRun("convert", file.path, file.path)
  #expect(result.status == 2 && result.stderr.contains("refusing to write over"), "\(result.stderr)")
  #expect(try Data(contentsOf: file) == before)
}

/// ``tlRun(_:in:)`` with the arguments as an array.
func tlRunArray(_ arguments: [String]) throws -> ProcessResult {
  try runTLRun(arguments, in: Fixtures.repositoryRoot, environment: nil)
}

/// A float32 result against a float64 reference of the same values: a dtype mismatch (exit 1)
/// whose values are still compared and reported; `--no-check-dtype` judges the values alone.
@Test func dtypeMismatchComparesTheValuesAndCanBeWaived() throws {
  let directory = try scratchCopy("testdata/layers/affine_f32")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let float64 = directory.appendingPathComponent("out64.npy").path
  try NPY.write(try NPY.read(path: directory.appendingPathComponent("out.npy").path).astype(.float64), to: float64)
  let out32 = directory.appendingPathComponent("out.npy").path
  let checked = try tlRun("compare", out32, float64)
  #expect(checked.status == 1)
  #expect(
    checked.stdout.contains(
      "float32 vs float64 (4, 5)  DTYPE MISMATCH  actual float32, expected float64; values within tolerance"),
    "\(checked.stdout)")
  let waived = try tlRun("compare", out32, float64, "--no-check-dtype")
  #expect(waived.status == 0, "\(waived.stdout)")
  #expect(waived.stdout.contains("float32 vs float64 (4, 5)  ok"), "\(waived.stdout)")
}
