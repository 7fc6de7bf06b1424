import Foundation
import TLTestSupport
import Testing

/// `tl-run inspect` and `compare` on the files of testdata/read/ (gen_read.py): a reference
/// that cannot be read whole is exit status 2 with one stderr line naming file and member,
/// never a pass.
@Suite struct ReadFaultCLITests {
  @Test(arguments: [
    (
      ["compare", "testdata/read/base.npz", "testdata/read/damaged-header.npz"],
      "testdata/read/damaged-header.npz:b: local file header is damaged"
    ),
    (
      ["compare", "testdata/read/damaged-header.npz", "testdata/read/base.npz"],
      "testdata/read/damaged-header.npz:b: local file header is damaged"
    ),
    (["inspect", "testdata/read/damaged-header.npz:b"], "testdata/read/damaged-header.npz:b:"),
    (
      ["compare", "testdata/read/base.npz", "testdata/read/duplicate.npz"],
      "testdata/read/duplicate.npz:W: 2 members are named 'W.npy'"
    ),
    (
      ["compare", "testdata/read/zstd.npz", "testdata/read/base.npz"],
      "testdata/read/zstd.npz:b: compression method zstandard (93) is not supported"
    ),
    (["inspect", "testdata/read/python2-v3.npy"], "testdata/read/python2-v3.npy: header is not a Python literal"),
    (["inspect", "testdata/read/dangling.h5"], "testdata/read/dangling.h5:/g/dangling: soft link to /nowhere"),
    (
      ["compare", "testdata/read/collide.h5", "testdata/read/collide.h5"],
      "testdata/read/collide.h5:/a/b: has the result name 'a.b'"
    ),
    (
      ["compare", "testdata/read/strings.h5", "testdata/read/strings.h5"],
      "testdata/read/strings.h5:/names: holds non-numeric type"
    ),
    (
      ["compare", "testdata/read/external.h5", "testdata/read/external-missing.h5"],
      "testdata/read/external-missing.h5:/ext: external link"
    ),
  ])
  func faultIsExitTwoWithOneLineNamingIt(_ arguments: [String], _ words: String) throws {
    let result = try tlRunArray(arguments)
    #expect(result.status == 2, "\(result.stdout)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.contains(words), "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  /// `inspect` of a whole archive lists every member, the unreadable one with its reason, then
  /// exits 2 with one stderr line naming the file and the member.
  @Test(arguments: [
    ("damaged-header.npz", "b: local file header is damaged"),
    ("zstd.npz", "b: compression method zstandard (93) is not supported"),
  ])
  func inspectListsTheUnreadableMember(_ file: String, _ words: String) throws {
    let result = try tlRun("inspect", "testdata/read/\(file)")
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("testdata/read/\(file)"))
    #expect(result.stderr.contains(words), "stderr: \(result.stderr)")
    let reason = words.dropFirst("b: ".count)
    let row = result.stdout.split(separator: "\n").first { $0.hasPrefix("b ") }
    #expect(row?.contains("unreadable: \(reason)") == true, "stdout: \(result.stdout)")
  }

  /// What NumPy (or zipfile) reads, tl-run reads and finds equal to np.savez's archive.
  @Test(arguments: ["prefixed.npz", "lzma.npz", "bzip2.npz"])
  func readableVariantsCompareEqual(_ file: String) throws {
    let result = try tlRun("compare", "testdata/read/\(file)", "testdata/read/base.npz")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("3 arrays compared: 3 passed"), "\(result.stdout)")
  }

  @Test func oneGoodMemberOfADamagedArchiveReads() throws {
    let result = try tlRun(
      "compare", "testdata/read/damaged-header.npz:W", "testdata/read/expected/W.npy")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }

  @Test func memberNamesWithColonsAndPython2HeadersInspect() throws {
    let member = try tlRun("inspect", "testdata/read/names.npz:kernel:0")
    #expect(member.status == 0, "\(member.stderr)")
    #expect(member.stdout.contains("kernel:0") && member.stdout.contains("(2, 3)"), "\(member.stdout)")
    let header = try tlRun("inspect", "testdata/read/python2-v1.npy")
    #expect(header.status == 0, "\(header.stderr)")
    #expect(header.stdout.contains("float64") && header.stdout.contains("(2, 3)"), "\(header.stdout)")
  }

  @Test func linkedHDF5DatasetsAreCompared() throws {
    let result = try tlRun("compare", "testdata/read/links.h5", "testdata/read/links.h5")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("4 arrays compared: 4 passed"), "\(result.stdout)")
  }
}
