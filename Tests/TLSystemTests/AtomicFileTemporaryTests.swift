import Foundation
import TLTestSupport
import Testing

@testable import TLSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The one atomic writer's temporary files: their names, what a killed run leaves and who
/// removes it, and the unnamed file that has no name until it is complete.
@Suite struct AtomicFileTemporaryTests {
  @Test func temporaryNames() {
    #expect(AtomicFile.temporaryTarget(".W.npy.tmp-123-456")! == ("W.npy", 123))
    #expect(AtomicFile.temporaryTarget(".a.tmp-b.npy.tmp-1-2")! == ("a.tmp-b.npy", 1))
    for name in [
      "W.npy.tmp-1-2", ".W.npy.tmp-1", ".W.npy.tmp-1-2-3", ".W.npy.tmp-x-2", ".W.npy.tmp--2", "..tmp-1-2",
      ".W.npy.tmp-1-2.h5", ".out.h5.0B6C-AE.tmp",
    ] {
      #expect(AtomicFile.temporaryTarget(name) == nil, "\(name)")
    }
  }

  /// A later write removes what a killed run left under tl-run's own temporary pattern for the
  /// file it writes, once its process is gone and it has not changed for 10 minutes; anything
  /// else stays.
  @Test func staleTemporariesOfTheTargetAreRemoved() throws {
    let directory = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    func make(_ name: String, ageSeconds: Int) throws {
      try Fixtures.writeAgedFile(name, in: directory, ageSeconds: ageSeconds)
    }
    let dead = Int32.max  // no such process
    try make(".W.npy.tmp-\(dead)-7", ageSeconds: 3600)  // stale: removed
    try make(".W.npy.tmp-\(dead)-8", ageSeconds: 10)  // recent: a writer elsewhere may own it
    try make(".W.npy.tmp-\(getppid())-9", ageSeconds: 3600)  // its process lives
    try make(".V.npy.tmp-\(dead)-7", ageSeconds: 3600)  // another target's
    try make(".W.npy.tmp-\(dead)-7.keep", ageSeconds: 3600)  // not the pattern
    try AtomicFile.write(to: directory.appendingPathComponent("W.npy").path) { append in
      try [UInt8](repeating: 1, count: 8).withUnsafeBytes { try append($0) }
    }
    AtomicFile.removeStaleTemporaries(in: directory.path, for: ["W.npy"])
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(
      left
        == [
          ".V.npy.tmp-\(dead)-7", ".W.npy.tmp-\(dead)-7.keep", ".W.npy.tmp-\(dead)-8", ".W.npy.tmp-\(getppid())-9",
          "W.npy",
        ].sorted())
  }

  /// The data is written into an unnamed file: while the body runs, and after it fails, the
  /// directory holds no new name at all.
  @Test func writingHasNoNameUntilComplete() throws {
    let directory = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("x.npy").path
    struct Stop: Error {}
    #expect(throws: Stop.self) {
      try AtomicFile.write(to: path) { append in
        try [UInt8](repeating: 7, count: 1 << 20).withUnsafeBytes { try append($0) }
        #if os(Linux)
          #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #endif
        throw Stop()
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    #if os(Linux)
      #expect(UnnamedFile.open(besides: path).map { close($0) } != nil, "O_TMPFILE should work here")
    #endif
  }
}
