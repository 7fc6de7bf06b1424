import Foundation
import TLIO
import TLTestSupport
import Testing

/// Places to write arrays: what `--outputs` and `convert` accept, and what they refuse before
/// anything is written.
@Suite struct ArrayLocationTargetTests {
  @Test(arguments: [
    ("o.npy", ArrayLocation.npy(path: "o.npy")),
    ("o.NPZ", .npz(path: "o.NPZ")),
    ("o.npz:k", .npzMember(path: "o.npz", member: "k")),
    ("o.h5", .hdf5(path: "o.h5")),
    ("o.hdf5:/g/x", .hdf5Dataset(path: "o.hdf5", dataset: "/g/x")),
    ("new/", .directory(path: "new/")),
    ("o.txt/", .directory(path: "o.txt/")),
    ("plain", .directory(path: "plain")),
    (".hidden", .directory(path: ".hidden")),
  ])
  func acceptedTargets(_ text: String, _ location: ArrayLocation) throws {
    #expect(try ArrayLocation(target: text) == location)
  }

  /// A path that would become a directory but looks like a file of another kind is refused,
  /// naming the forms a target takes; so is an existing file where a directory would go.
  @Test func refusedTargets() throws {
    let unknown = try #require(throws: ArrayIOError.self) { try ArrayLocation(target: "out/o.txt") }
    #expect(unknown.description == "out/o.txt: unknown extension .txt; a target is \(ArrayLocation.targetForms)")

    let directory = try Fixtures.temporaryDirectory("targets")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("notes").path
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    let exists = try #require(throws: ArrayIOError.self) { try ArrayLocation(target: file) }
    #expect(exists.message == "exists and is not a directory; a target is \(ArrayLocation.targetForms)")
    // An existing directory is a target whatever its name.
    let odd = directory.appendingPathComponent("odd.txt")
    try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: false)
    #expect(try ArrayLocation(target: odd.path) == .directory(path: odd.path))
  }

  @Test(
    arguments: [
      ("o.txt", "txt"), ("dir/a.b.json", "json"), ("o.npy", nil), ("o.h5:/x", nil), ("plain", nil),
      (".hidden", nil), ("..x", nil), ("o.txt/", nil), ("trailing.", nil),
    ] as [(String, String?)])
  func unknownExtensions(_ text: String, _ extension: String?) {
    #expect(ArrayLocation.unknownExtension(text) == `extension`)
  }

  /// The name an array from each location gets in a collection, its path, and its text form.
  @Test func namesPathsAndDescriptions() {
    let cases: [(ArrayLocation, name: String, path: String, text: String)] = [
      (.npy(path: "d/W.npy"), "W", "d/W.npy", "d/W.npy"),
      (.npzMember(path: "p.npz", member: "kernel:0"), "kernel:0", "p.npz", "p.npz:kernel:0"),
      (.hdf5Dataset(path: "w.h5", dataset: "/embed/W"), "embed.W", "w.h5", "w.h5:/embed/W"),
      (.directory(path: "out"), "out", "out", "out"),
      (.npz(path: "p.npz"), "p", "p.npz", "p.npz"),
      (.hdf5(path: "w.hdf5"), "w", "w.hdf5", "w.hdf5"),
    ]
    for (location, name, path, text) in cases {
      #expect(location.arrayName == name && location.path == path && location.description == text)
      #expect(ArrayLocation(parsing: text) == location, "\(text)")
      let moved = location.withPath("elsewhere/\((path as NSString).lastPathComponent)")
      #expect(moved.path.hasPrefix("elsewhere/") && moved.isSingleArray == location.isSingleArray)
    }
  }

  @Test func resultNamesAndDatasetPathsMapBothWays() {
    #expect(ArrayNames.toHDF5("embed.dW") == "/embed/dW")
    #expect(ArrayNames.fromHDF5("/embed/dW") == "embed.dW")
    #expect(ArrayNames.fromHDF5(ArrayNames.toHDF5("a.b.c")) == "a.b.c")
  }
}
