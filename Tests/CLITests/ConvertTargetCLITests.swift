import Foundation
import TLTestSupport
import Testing

/// One array source inside a collection target: `a.npz:NAME`, `a.h5:/NAME`, `dir/NAME.npy`.
private func member(_ target: String, _ name: String) -> String {
  if target.hasSuffix(".npz") { return "\(target):\(name)" }
  if target.hasSuffix(".h5") { return "\(target):/\(name)" }
  return "\(target)/\(name).npy"
}

/// The NAME column of `tl-run inspect`, without the header.
private func inspectedNames(_ target: String) throws -> [String] {
  let result = try tlRun("inspect", target)
  #expect(result.status == 0, "\(result.stderr)")
  return result.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[0]) }
}

/// `tl-run compare` of two sources must pass: equal values, shapes and dtypes.
private func expectSame(_ actual: String, _ expected: String, _ note: String) throws {
  let result = try tlRun("compare", actual, expected)
  #expect(result.status == 0, "\(note): \(actual) vs \(expected): \(result.stdout)\(result.stderr)")
}

/// Converting into an existing directory, .npz or .h5 merges: the same name is replaced, every
/// other array stays with its values, shape and dtype.
@Test(arguments: ["t.npz", "t.h5", "t"])
func convertMergesIntoAnExistingCollection(target name: String) throws {
  let directory = try Fixtures.temporaryDirectory("convert-merge")
  defer { try? FileManager.default.removeItem(at: directory) }
  let target = directory.appendingPathComponent(name).path
  #expect(try tlRun("convert", "testdata/npz/stored.npz", target).status == 0)
  let added = try tlRun("convert", "testdata/npy/c_order/int16.npy", target)
  #expect(added.status == 0, "\(added.stderr)")
  // W (float32 (3, 4)) replaced by a float64 (3, 4) array of another name's file.
  let replaced = try tlRun("convert", "testdata/npy/c_order/float64.npy", member(target, "W"))
  #expect(replaced.status == 0, "\(replaced.stderr)")

  let names = try inspectedNames(target).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
  #expect(Set(names) == ["W", "b", "idx", "scalar", "empty", "Wx", "int16"], "\(names)")
  for kept in ["b", "idx", "scalar", "empty", "Wx"] {
    try expectSame(member(target, kept), "testdata/npz/stored.npz:\(kept)", "kept")
  }
  try expectSame(member(target, "int16"), "testdata/npy/c_order/int16.npy", "added")
  try expectSame(member(target, "W"), "testdata/npy/c_order/float64.npy", "replaced")
  // The old W is gone: as float32 it does not compare equal any more (dtype differs).
  #expect(try tlRun("compare", member(target, "W"), "testdata/npz/stored.npz:W").status == 1)
}

/// `--replace` leaves exactly the converted arrays; in a directory, files that are not .npy stay.
@Test(arguments: ["t.npz", "t.h5", "t"])
func convertReplaceLeavesExactlyTheConvertedArrays(target name: String) throws {
  let directory = try Fixtures.temporaryDirectory("convert-replace")
  defer { try? FileManager.default.removeItem(at: directory) }
  let target = directory.appendingPathComponent(name).path
  #expect(try tlRun("convert", "testdata/npz/stored.npz", target).status == 0)
  let notes = directory.appendingPathComponent("t/notes.txt")
  if name == "t" { try Data("mine".utf8).write(to: notes) }
  let result = try tlRun("convert", "testdata/npy/c_order", target, "--replace")
  #expect(result.status == 0, "\(result.stderr)")
  let names = try inspectedNames(target).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
  let expected =
    ["bool", "float16", "float32", "float64", "int16", "int32", "int64", "int8"]
    + ["uint16", "uint32", "uint64", "uint8"]
  #expect(names.sorted() == expected, "\(names)")
  try expectSame(target, "testdata/npy/c_order", "replaced")
  if name == "t" { #expect(try String(contentsOf: notes, encoding: .utf8) == "mine") }
}

@Test func convertHelpSaysWhatHappensToAnExistingTarget() throws {
  let help = try tlRun("convert", "--help")
  #expect(help.status == 0)
  let text = help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
  #expect(text.contains("merges") && text.contains("--replace"), "\(help.stdout)")
  #expect(text.contains("never emptied"), "\(help.stdout)")
}

/// A target with an extension tl-run does not write is an error, not a new directory, unless
/// it is an existing directory or ends in /.
@Test func convertRefusesATargetWithAnUnknownExtension() throws {
  let directory = try Fixtures.temporaryDirectory("convert-target")
  defer { try? FileManager.default.removeItem(at: directory) }
  let target = directory.appendingPathComponent("o.txt")
  let refused = try tlRun("convert", "testdata/npy/c_order/float64.npy", target.path)
  #expect(refused.status == 2)
  let lines = refused.stderr.split(separator: "\n")
  #expect(lines.count == 1 && lines[0].contains(target.path), "\(refused.stderr)")
  #expect(refused.stderr.contains("unknown extension .txt") && refused.stderr.contains(".npy, .npz or .h5"))
  #expect(!FileManager.default.fileExists(atPath: target.path))

  let slash = try tlRun("convert", "testdata/npy/c_order/float64.npy", target.path + "/")
  #expect(slash.status == 0, "\(slash.stderr)")
  try expectSame(target.appendingPathComponent("float64.npy").path, "testdata/npy/c_order/float64.npy", "o.txt/")
  // Now o.txt is an existing directory: a name without the slash goes into it too.
  let existing = try tlRun("convert", "testdata/npy/c_order/int8.npy", target.path)
  #expect(existing.status == 0, "\(existing.stderr)")
  try expectSame(target.appendingPathComponent("int8.npy").path, "testdata/npy/c_order/int8.npy", "o.txt")
}

/// A source that is a file of no known format is named as such.
@Test(arguments: [["inspect"], ["convert", "TARGET"], ["compare", "testdata/npy/c_order"]])
func aSourceThatIsNotAnArrayFileIsAnError(command: [String]) throws {
  let directory = try Fixtures.temporaryDirectory("source")
  defer { try? FileManager.default.removeItem(at: directory) }
  let source = directory.appendingPathComponent("o.txt").path
  try Data("not arrays\n".utf8).write(to: URL(fileURLWithPath: source))
  var arguments = [command[0], source] + command.dropFirst()
  if let index = arguments.firstIndex(of: "TARGET") {
    arguments[index] = directory.appendingPathComponent("x.npz").path
  }
  let result = try runTLRun(arguments, in: Fixtures.repositoryRoot, environment: nil)
  #expect(result.status == 2)
  let lines = result.stderr.split(separator: "\n")
  #expect(lines.count == 1 && lines[0].contains(source), "\(result.stderr)")
  #expect(result.stderr.contains("not a .npy, .npz or .h5 file, nor a directory"), "\(result.stderr)")
  #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.npz").path))
}

/// Merging into an archive with a damaged member cannot keep that member: the archive is left
/// as it was, the message names the member and `--replace`, which then writes it anew.
@Test func convertIntoADamagedArchiveChangesNothingUnlessReplace() throws {
  let directory = try Fixtures.temporaryDirectory("convert-damaged")
  defer { try? FileManager.default.removeItem(at: directory) }
  let target = directory.appendingPathComponent("c.npz")
  try FileManager.default.copyItem(atPath: Fixtures.path("bad/crc.npz"), toPath: target.path)
  let before = try Data(contentsOf: target)
  let refused = try tlRun("convert", "testdata/npy/c_order/int8.npy", target.path)
  #expect(refused.status == 2)
  let lines = refused.stderr.split(separator: "\n")
  #expect(
    lines.count == 1 && lines[0].contains("\(target.path):W") && lines[0].contains("--replace"), "\(refused.stderr)")
  #expect(try Data(contentsOf: target) == before)
  let replaced = try tlRun("convert", "testdata/npy/c_order/int8.npy", target.path, "--replace")
  #expect(replaced.status == 0, "\(replaced.stderr)")
  #expect(try inspectedNames(target.path) == ["int8"])
  try expectSame(target.path + ":int8", "testdata/npy/c_order/int8.npy", "replaced")
}
