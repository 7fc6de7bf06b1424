import Foundation
import TLTestSupport
import Testing

/// The rows of `tl-run inspect` output, split into columns, by name.
private func rows(_ stdout: String) -> [String: [String]] {
  var rows: [String: [String]] = [:]
  for line in stdout.split(separator: "\n").dropFirst() {
    let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    if let name = columns.first { rows[name] = columns }
  }
  return rows
}

/// A directory with a damaged `.npy` among good ones: every `.npy` is listed, the damaged one
/// with its reason, the `.npz` and `.h5` beside them by name; hidden files (the outputs
/// manifest) and other files are not; then exit status 2 with one line naming the directory.
@Test func inspectListsEveryFileOfADirectoryThenExitsTwo() throws {
  let directory = try Fixtures.temporaryDirectory("inspect-dir")
  defer { try? FileManager.default.removeItem(at: directory) }
  let manager = FileManager.default
  for (fixture, name) in [
    ("npy/c_order/float32.npy", "a.npy"), ("bad/truncated-data.npy", "b.npy"), ("npy/c_order/int64.npy", "c.npy"),
    ("bad/text.npy", "d.npy"), ("npz/stored.npz", "w.npz"), ("h5/data.h5", "w.h5"),
  ] {
    try manager.copyItem(atPath: Fixtures.path(fixture), toPath: directory.appendingPathComponent(name).path)
  }
  try Data("{}".utf8).write(to: directory.appendingPathComponent(".tl-run-outputs.json"))
  try Data("notes".utf8).write(to: directory.appendingPathComponent("notes.txt"))

  let result = try tlRun("inspect", directory.path)
  #expect(result.status == 2)
  let found = rows(result.stdout)
  #expect(Set(found.keys) == ["a", "b", "c", "d", "w.npz", "w.h5"], "\(result.stdout)")
  #expect(found["a"]?[1] == "float32" && found["a"]?[2...3].joined(separator: " ") == "(3, 4)")
  #expect(found["c"]?[1] == "int64" && found["c"]?[2...3].joined(separator: " ") == "(3, 4)")
  for damaged in ["b", "d"] {
    #expect(found[damaged]?.contains("unreadable:") == true, "\(damaged): \(result.stdout)")
  }
  #expect(found["w.npz"]?.joined(separator: " ").contains("inspect") == true)
  let lines = result.stderr.split(separator: "\n")
  #expect(
    lines.count == 1 && lines[0].contains(directory.path) && lines[0].contains("2 arrays unreadable"),
    "\(result.stderr)")
}

/// An `.npz` with one damaged member lists every member, that one with the CRC mismatch.
@Test func inspectListsEveryMemberOfADamagedArchive() throws {
  let result = try tlRun("inspect", "testdata/bad/crc.npz")
  #expect(result.status == 2)
  let found = rows(result.stdout)
  #expect(Set(found.keys) == ["W", "b", "idx", "scalar", "empty", "Wx"], "\(result.stdout)")
  #expect(found["W"]?.joined(separator: " ").contains("unreadable: CRC mismatch") == true, "\(result.stdout)")
  #expect(found["b"]?[1] == "float32" && found["b"]?[2] == "(4,)")
  #expect(found["Wx"]?[1] == "float64" && found["Wx"]?[2...3].joined(separator: " ") == "(2, 3)")
  let lines = result.stderr.split(separator: "\n")
  #expect(lines.count == 1 && lines[0].contains("testdata/bad/crc.npz") && lines[0].contains("W"), "\(result.stderr)")
}

/// A good directory still lists and exits 0.
@Test func inspectOfAGoodDirectoryExitsZero() throws {
  let result = try tlRun("inspect", "testdata/npy/c_order")
  #expect(result.status == 0, "\(result.stderr)")
  #expect(rows(result.stdout).count == 12 && result.stderr.isEmpty)
}
