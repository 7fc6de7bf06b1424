import Foundation
import TLTestSupport
import Testing

/// Runs the built `tl-run` from the repository root (or `directory`), killing it after
/// `seconds`: a hang is a failure of its own, not a stuck test run.
private func run(_ arguments: [String], in directory: URL = Fixtures.repositoryRoot, seconds: Double = 60)
  throws -> ProcessResult
{
  try runTLRun(arguments, in: directory, environment: nil, seconds: seconds)
}

/// The README's guarantee about hostile HDF5 files (testdata/hostile/, gen_hostile_h5.py):
/// exit status 2 and one stderr line naming the file and the cause; never a signal, a hang or
/// an allocation the machine cannot make.
@Suite struct HostileHDF5CLITests {
  private static let crashed = "libhdf5 crashed reading this file (signal 11); the file is corrupt"

  @Test(arguments: [
    // A bool whose enum is 32,769 bytes wide: was SIGSEGV in H5Tget_member_value.
    (
      ["compare", "h/enum-size-wide.h5", "h/enum-size-wide.h5"],
      "h/enum-size-wide.h5:/b: holds non-numeric type 'enum of 2 members'"
    ),
    (["inspect", "h/enum-size-wide.h5:/b"], "h/enum-size-wide.h5:/b: holds non-numeric type 'enum of 2 members'"),
    // libhdf5 itself crashes on it (H5Dopen → H5O_msg_read → H5T_copy).
    (["inspect", "h/enum-size-crash.h5"], "tl-run: h/enum-size-crash.h5: \(crashed)"),
    (["compare", "h/enum-size-crash.h5", "h/enum-size-crash.h5"], "tl-run: h/enum-size-crash.h5: \(crashed)"),
    (["inspect", "h/enum-size-crash.h5:/b"], "tl-run: h/enum-size-crash.h5: \(crashed)"),
    // Sizes beyond what the file holds: were "Fatal error: failed to allocate".
    (
      ["inspect", "h/dims-beyond-max.h5"],
      "h/dims-beyond-max.h5:/x: dimension 0 of the dataspace is 1099511627776, beyond its stored maximum 2"
    ),
    (["compare", "h/dims-beyond-max.h5:/x", "h/dims-beyond-max.h5:/x"], "h/dims-beyond-max.h5:/x: dimension 0"),
    (
      ["inspect", "h/never-written-huge.h5"],
      "h/never-written-huge.h5: 1 array unreadable, listed above (first: /x: is never written"
    ),
    (
      ["compare", "h/never-written-huge.h5", "h/never-written-huge.h5"], "h/never-written-huge.h5:/x: is never written"
    ),
    (
      ["inspect", "h/compact-short.h5:/c"],
      "h/compact-short.h5:/c: stores 24 bytes of data where its shape (1000,) of int32 needs 4000"
    ),
    (
      ["compare", "h/contiguous-short.h5", "h/contiguous-short.h5"], "h/contiguous-short.h5:/x: stores 24 bytes of data"
    ),
    (["inspect", "h/chunk-huge.h5"], "h/chunk-huge.h5: cannot open /z: chunk size must be < 4GB"),
    // A chunk shape that disagrees with the chunks stored: libhdf5 read past a buffer or from
    // the wrong places, and tl-run passed its garbage on (exit 0).
    (
      ["compare", "h/chunk-shape-larger.h5:/z", "h/chunk-shape-larger.h5:/z"],
      "h/chunk-shape-larger.h5:/z: the chunk at ["
    ),
    (
      ["inspect", "h/elink-unterminated.h5"],
      "h/elink-unterminated.h5:/ext: external link /ext stores a file name and an object path without the terminating zero byte; the file is corrupt"
    ),
    (
      ["inspect", "h/gzip-chunk-smaller.h5"],
      "h/gzip-chunk-smaller.h5: 1 array unreadable, listed above (first: /g/z: the chunk at ["
    ),
  ])
  func hostileFileIsExitTwoWithOneLine(_ arguments: [String], _ words: String) throws {
    let result = try run(arguments.map { $0.replacingOccurrences(of: "h/", with: "testdata/hostile/") })
    let words = words.replacingOccurrences(of: "h/", with: "testdata/hostile/")
    #expect(!result.signaled && !result.timedOut, "stderr: \(result.stderr)")
    #expect(result.status == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.contains(words), "stderr: \(result.stderr)")
  }

  /// Files on which libhdf5 1.10.8 itself crashes: exactly tl-run's line on stderr, even where
  /// glibc wrote its own (`malloc(): corrupted top size`) before aborting.
  @Test(arguments: [
    (["inspect", "heap-size-abort.h5"], 6),  // glibc abort() in H5C_protect → malloc
    (["compare", "heap-size-abort.h5", "heap-size-abort.h5"], 6),
    (["inspect", "heap-address-crash.h5"], 11),  // H5F__accum_read
    (["inspect", "mutated-enum-base-size.h5"], 11),  // H5O_msg_read_oh under H5D_open
    (["compare", "mutated-layout-version.h5:/b", "mutated-layout-version.h5:/b"], 11),  // H5Dread
    (["inspect", "mutated-multi-dtype.h5"], 11),  // H5T_copy under H5D_open
  ])
  func libhdf5CrashIsExactlyOneLine(_ arguments: [String], _ signal: Int) throws {
    let hostile = Fixtures.root.appendingPathComponent("hostile")
    let result = try run(arguments, in: hostile)
    let file = arguments[1].split(separator: ":")[0]
    #expect(!result.signaled && !result.timedOut && result.status == 2, "stderr: \(result.stderr)")
    #expect(
      result.stderr
        == "tl-run: \(file): libhdf5 crashed reading this file (signal \(signal)); the file is corrupt\n")
  }

  /// Never-written datasets small enough to hold read as their fill value, as h5py reads them.
  @Test func smallNeverWrittenDatasetsReadAsTheirFillValue() throws {
    let result = try run([
      "compare", "testdata/hostile/never-written-small.h5", "testdata/hostile/expected/never-written",
    ])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("2 arrays compared: 2 passed"), "\(result.stdout)")
  }

  /// A FIFO or a directory named like an HDF5 file is refused before libhdf5 opens it (a FIFO
  /// blocked the open forever).
  @Test func nonRegularFilesAreRefusedWithoutBlocking() throws {
    let directory = try Fixtures.temporaryDirectory("hostile-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    try #require(mkfifo(directory.appendingPathComponent("fifo.h5").path, 0o600) == 0)
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("folder.h5"), withIntermediateDirectories: false)
    let cases = [
      // Refused before the HDF5 reader sees it (TLIO), or by the reader itself (TLHDF5).
      (["inspect", "fifo.h5"], "fifo.h5: is a FIFO (named pipe), not a"),
      (["compare", "fifo.h5:/x", "fifo.h5:/x"], "fifo.h5: is a FIFO (named pipe), not a"),
      (["inspect", "folder.h5"], "folder.h5: is a directory, not an HDF5 file"),
      (["compare", "folder.h5", "folder.h5"], "folder.h5: is a directory, not an HDF5 file"),
    ]
    for (arguments, words) in cases {
      let result = try run(arguments, in: directory, seconds: 20)
      #expect(!result.timedOut && !result.signaled, "\(arguments)")
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
    }
  }

  /// An external link to a FIFO is refused before libhdf5 opens the FIFO (it blocked there).
  @Test func externalLinkToAFIFOIsRefusedWithoutBlocking() throws {
    let directory = try Fixtures.temporaryDirectory("hostile-elink")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.copyItem(
      at: Fixtures.root.appendingPathComponent("hostile/external-link.h5"),
      to: directory.appendingPathComponent("external-link.h5"))
    try #require(mkfifo(directory.appendingPathComponent("external-target.h5").path, 0o600) == 0)
    let words =
      "external-link.h5:/ext: external link target external-target.h5 is a FIFO (named pipe), not an HDF5 file"
    for arguments in [
      ["inspect", "external-link.h5"], ["inspect", "external-link.h5:/ext"],
      ["compare", "external-link.h5:/ext", "external-link.h5:/ext"],
    ] {
      let result = try run(arguments, in: directory, seconds: 20)
      #expect(!result.timedOut && !result.signaled, "\(arguments)")
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
    }
  }

  /// A crash inside libhdf5 while merging into an existing damaged file leaves the file as it
  /// was and no temporary file beside it.
  @Test func crashDuringAMergeRemovesTheTemporaryFile() throws {
    let directory = try Fixtures.temporaryDirectory("hostile-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = directory.appendingPathComponent("t.h5")
    try FileManager.default.copyItem(
      at: Fixtures.root.appendingPathComponent("hostile/enum-size-crash.h5"), to: target)
    let before = try Data(contentsOf: target)
    let source = Fixtures.path("hostile/expected/never-written/chunked.npy")
    let result = try run(["convert", source, "t.h5:/b"], in: directory)
    #expect(!result.signaled && result.status == 2, "\(result.stderr)")
    #expect(result.stderr == "tl-run: t.h5: \(Self.crashed)\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["t.h5"])
    #expect(try Data(contentsOf: target) == before)
  }
}
