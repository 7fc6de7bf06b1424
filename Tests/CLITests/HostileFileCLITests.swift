import Foundation
import TLArray
import TLFormats
import TLSystem
import TLTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Hostile and broken inputs (testdata/hostile/, gen_hostile.py; FIFOs made here): never a
/// crash, a hang, a write outside the target or raw terminal control bytes; exit status 2 with
/// one stderr line naming the file.
@Suite(.serialized) struct HostileFileCLITests {
  /// `tl-run ARGS` run in `directory`, killed after `seconds` (then nil): a test of something
  /// that used to hang must fail, not hang too.
  static func run(_ arguments: [String], in directory: URL = Fixtures.repositoryRoot, seconds: Double = 60)
    throws -> ProcessResult?
  {
    let result = try runTLRun(arguments, in: directory, environment: nil, seconds: seconds)
    return result.timedOut ? nil : result
  }

  /// No byte a terminal acts on: C0 but newline, DEL, C1 (as UTF-8), U+2028/2029.
  static func hasRawControl(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0 != "\n" && TerminalText.isControl($0) }
  }

  static func expectOneLineError(_ result: ProcessResult?, naming words: [String]) {
    guard let result else {
      Issue.record("tl-run did not finish: it hangs")
      return
    }
    #expect(result.status == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.count < 400, "stderr: \(result.stderr.prefix(400))")
    #expect(!hasRawControl(result.stderr), "raw control bytes in: \(result.stderr.debugDescription)")
    for word in words { #expect(result.stderr.contains(word), "stderr: \(result.stderr)") }
  }

  /// Zip slip and friends: a member name that is not one plain file name is refused before
  /// anything is written; nothing appears in or above the target.
  @Test(arguments: [
    ("slip.npz", "array '../../evil' cannot be written as a file in a directory: it holds '/'"),
    ("absolute.npz", "array '/tmp/tl-run-hostile-evil' cannot be written"),
    ("dot-npy.npz", "array '' cannot be written as a file in a directory: it is empty"),
    ("backslash.npz", "array 'a\\b' cannot be written as a file in a directory: it holds a backslash"),
    ("hidden.npz", "array '.hidden' cannot be written as a file in a directory: it starts with '.'"),
    ("nul.npz", "array 'a\\x00b' cannot be written as a file in a directory: it holds a control character"),
    ("escape-names.npz", "array 'x\\x1b]0;pwned\\x07y' cannot be written"),
  ])
  func convertIntoADirectoryRefusesUnsafeNames(_ file: String, _ words: String) throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let target = root.appendingPathComponent("a/b/DIR")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    let source = Fixtures.path("hostile/\(file)")
    let result = try Self.run(["convert", source, target.path + "/"])
    Self.expectOneLineError(result, naming: [target.path, words])
    let everything = FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []
    #expect(everything.sorted() == ["a", "a/b", "a/b/DIR"], "\(everything)")
    #expect(!FileManager.default.fileExists(atPath: "/tmp/tl-run-hostile-evil.npy"))
  }

  /// Into an .npz: `sub/W` (NumPy's own subdirectory key) is kept, a name that would leave the
  /// directory the archive is extracted into is refused.
  @Test func convertIntoAnNpzKeepsSubdirectoryKeysAndRefusesEscapingOnes() throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let kept = try Self.run(["convert", Fixtures.path("read/subdir.npz"), root.appendingPathComponent("s.npz").path])
    #expect(kept?.status == 0, "\(kept?.stderr ?? "hangs")")
    #expect(try NPZ.members(path: root.appendingPathComponent("s.npz").path).sorted() == ["b", "sub/W"])
    let out = root.appendingPathComponent("slip.npz").path
    let refused = try Self.run(["convert", Fixtures.path("hostile/slip.npz"), out])
    Self.expectOneLineError(refused, naming: ["\(out):../../evil: cannot be an .npz member name"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["s.npz"])
  }

  /// Names from files are escaped in the inspect table, the compare report and every error.
  @Test func controlCharactersFromFilesAreEscaped() throws {
    let names = "testdata/hostile/escape-names.npz"
    let inspect = try #require(try Self.run(["inspect", names]))
    #expect(inspect.status == 0, "\(inspect.stderr)")
    #expect(!Self.hasRawControl(inspect.stdout), "\(inspect.stdout.debugDescription)")
    for shown in ["x\\x1b]0;pwned\\x07y", "clear\\x1b[2J", "v\\x0btab", "nel\\x85x", "ls\\u2028x"] {
      #expect(inspect.stdout.contains(shown), "\(inspect.stdout)")
    }
    #expect(inspect.stdout.split(separator: "\n").count == 6)
    let compare = try #require(try Self.run(["compare", names, names]))
    #expect(compare.status == 0, "\(compare.stderr)")
    #expect(!Self.hasRawControl(compare.stdout), "\(compare.stdout.debugDescription)")
    #expect(compare.stdout.contains("nel\\x85x"))
    Self.expectOneLineError(
      try Self.run(["inspect", "testdata/hostile/escape-key.npy"]),
      naming: ["testdata/hostile/escape-key.npy: header has unknown key '\\x1b]0;pwned\\x07\\x1b[2J\\x0b\\x85'"])
  }

  /// The pipeline's own name and outputs path reach the "wrote N arrays" line escaped: before,
  /// a newline split it and an escape sequence coloured the terminal.
  @Test func thePipelinesNameAndOutputsAreEscaped() throws {
    let directory = try scratchCopy("pipelines/seed_time_affine")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let file = directory.appendingPathComponent("pipeline.json")
    var json = try String(contentsOf: file, encoding: .utf8)
    json = json.replacingOccurrences(of: #""seed: TimeAffine notebook""#, with: #""evil\n\u001b[31mRED\u202e""#)
    json = json.replacingOccurrences(of: #""outputs": "out""#, with: #""outputs": "o\u001b[31mX/""#)
    try json.write(to: file, atomically: true, encoding: .utf8)
    let result = try #require(try Self.run([file.path]))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!Self.hasRawControl(result.stdout), "\(result.stdout.debugDescription)")
    let first = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
    #expect(first.hasPrefix("evil\\x0a\\x1b[31mRED\\u202e: wrote 4 arrays to "), "\(first)")
    #expect(first.hasSuffix("/o\\x1b[31mX/"), "\(first)")
  }

  /// More dimensions than NumPy's 64: refused in one short line, and nothing is written. 20000
  /// dimensions take a header longer than np.load reads (60055 bytes), refused from its length.
  @Test(arguments: [
    ("ndim-65.npy", "shape has 65 dimensions; NumPy allows at most 64"),
    ("ndim-20000.npy", "header length 60055 is more than the 10000 bytes np.load reads (its max_header_size)"),
  ])
  func moreThan64DimensionsIsRefused(_ file: String, _ message: String) throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let words = ["testdata/hostile/\(file): \(message)"]
    Self.expectOneLineError(try Self.run(["inspect", "testdata/hostile/\(file)"]), naming: words)
    let out = root.appendingPathComponent("out.npy").path
    Self.expectOneLineError(try Self.run(["convert", "testdata/hostile/\(file)", out]), naming: words)
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
  }

  /// A deflate stream longer than its member's declared size stops there: an error naming it.
  @Test func deflateStreamPastTheDeclaredSizeIsStopped() throws {
    Self.expectOneLineError(
      try Self.run(["compare", "testdata/hostile/bomb.npz", "testdata/hostile/bomb.npz"]),
      naming: [
        "testdata/hostile/bomb.npz:W: corrupt member: deflate stream decompresses to more than the directory's 79 bytes"
      ])
  }

  /// A member declaring a 1 PiB array (ZIP64) in a 212-byte archive: the memory is refused or,
  /// where the system lends that much address space, the stream is found short; never an abort.
  @Test func hugeDeclaredArrayIsAnErrorNotACrash() throws {
    let result = try Self.run(["inspect", "testdata/hostile/huge-declared.npz:W"])
    Self.expectOneLineError(result, naming: ["testdata/hostile/huge-declared.npz:W: "])
    let stderr = result?.stderr ?? ""
    #expect(stderr.contains("cannot allocate 1125899906842624 bytes") || stderr.contains("member holds"), "\(stderr)")
  }

  /// A 128 MiB array deflated to a small archive is inflated straight into the array: tl-run's
  /// peak memory stays near the array's size (it was more than twice that: a growing buffer, then a
  /// copy). Measured by `/usr/bin/time` (this process is large, and a child it spawns inherits
  /// its peak).
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time")))
  func compressedArrayIsInflatedIntoItsOwnMemory() throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let path = root.appendingPathComponent("zeros.npz").path
    let count = 1 << 25  // 128 MiB of float32
    try NPZ.write(
      [("W", NDArray(shape: [count], scalars: [Float](repeating: 0, count: count)))], to: path, compressed: true)
    let result = try runProcess(
      URL(fileURLWithPath: "/usr/bin/time"), ["-f", "peak-kb %M", tlRunBinary.path, "inspect", path], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let line = result.stderr.split(separator: "\n").last { $0.hasPrefix("peak-kb ") }
    let peakMiB = try #require(line.flatMap { Int($0.dropFirst("peak-kb ".count)) }) / 1024
    #expect(peakMiB < 128 + 64, "peak RSS: \(peakMiB) MiB for a 128 MiB array")
  }

  /// A FIFO (or any non-regular file) as an input is refused at once, never opened to wait.
  @Test func fifoInputsAreRefusedNotWaitedOn() throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent("dir")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for path in ["fifo.npy", "fifo.npz", "fifo.h5", "dir/x.npy"] {
      #expect(mkfifo(root.appendingPathComponent(path).path, 0o644) == 0)
    }
    let fifo = "is a FIFO (named pipe), not a regular file"
    for file in ["fifo.npy", "fifo.npz", "fifo.h5"] {
      Self.expectOneLineError(try Self.run(["inspect", file], in: root, seconds: 20), naming: ["\(file): \(fifo)"])
      Self.expectOneLineError(
        try Self.run(["convert", file, "out/"], in: root, seconds: 20), naming: ["\(file): \(fifo)"])
    }
    Self.expectOneLineError(
      try Self.run(["compare", "dir", "dir"], in: root, seconds: 20), naming: ["dir/x.npy: \(fifo)"])
    let inspect = try Self.run(["inspect", "dir"], in: root, seconds: 20)
    Self.expectOneLineError(inspect, naming: ["dir: 1 array unreadable", fifo])
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
  }

  /// `kill -9` at any moment of a write leaves no temporary file the next write does not
  /// remove, and the target either does not exist or is whole: the data goes into an unnamed
  /// file that gets its name when complete.
  @Test(arguments: [0.0, 0.02, 0.05, 0.1, 0.2, 0.4])
  func killedWhileWritingLeavesNothingBehind(_ delay: Double) throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let source = root.appendingPathComponent("big.npy").path
    let count = 1 << 24  // 64 MiB of float32
    try NPY.write(NDArray(shape: [count], scalars: [Float](repeating: 1, count: count)), to: source)
    let size = try FileManager.default.attributesOfItem(atPath: source)[.size] as? Int
    let out = root.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    for target in ["a.npy", "b.npy"] {  // a fresh name, then over an existing file
      if target == "b.npy" { try Data([1]).write(to: out.appendingPathComponent("b.npy")) }
      let process = try ChildProcess(
        tlRunBinary, ["convert", source, out.appendingPathComponent(target).path], captureOutput: false)
      usleep(useconds_t(delay * 1_000_000))
      kill(process.pid, SIGKILL)
      _ = process.wait()
      // Over an existing file, the complete data is linked in as `.b.npy.tmp-PID-N` and renamed
      // at once: a kill between the two leaves that name, which the next write of b.npy removes
      // once the process is gone (here at once; by default after 10 minutes untouched).
      let killed = ".\(target).tmp-\(process.pid)-"
      AtomicFile.removeStaleTemporaries(in: out.path, for: [target], staleAfter: 0)
      let entries = try FileManager.default.contentsOfDirectory(atPath: out.path)
      #expect(entries.allSatisfy { !$0.hasPrefix(".") }, "left behind, not of \(killed)…: \(entries)")
      let written = try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(target).path)
      let sizeNow = written?[.size] as? Int
      #expect(sizeNow == size || sizeNow == (target == "b.npy" ? 1 : nil), "\(target): \(sizeNow ?? -1) bytes")
    }
  }

  /// Writing leaves no temporary file beside the outputs.
  @Test func convertLeavesOnlyItsOutputs() throws {
    let root = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try Self.run(["convert", Fixtures.path("read/base.npz"), root.appendingPathComponent("o").path + "/"])
    #expect(result?.status == 0)
    let npz = try Self.run(["convert", Fixtures.path("read/base.npz"), root.appendingPathComponent("o.npz").path])
    #expect(npz?.status == 0)
    let again = try Self.run(["convert", Fixtures.path("read/base.npz"), root.appendingPathComponent("o").path + "/"])
    #expect(again?.status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["o", "o.npz"])
    let outputs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("o").path)
    #expect(outputs.allSatisfy { !$0.hasPrefix(".") }, "\(outputs)")
  }
}

/// testdata's `read/lzma.npz` with its member's LZMA header asking for a 4 GiB dictionary.
private func lzmaArchiveAskingFor4GiB() throws -> [UInt8] {
  var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("read/lzma.npz"))))
  let name = Int(bytes[26]) | Int(bytes[27]) << 8
  let extra = Int(bytes[28]) | Int(bytes[29]) << 8
  let properties = 30 + name + extra + 4  // after the 4-byte LZMA header: lc/lp/pb, then the dictionary size
  for i in 1...4 { bytes[properties + i] = 0xFF }
  return bytes
}

/// An LZMA member whose header asks for a 4 GiB dictionary (npz fuzz finding: liblzma
/// allocated it for a 600-byte archive) reads within a 1.5 GB address space: the dictionary
/// is never larger than the member.
@Test func lzmaDictionaryIsBoundedByTheMember() throws {
  let directory = try Fixtures.temporaryDirectory("hostile")
  defer { try? FileManager.default.removeItem(at: directory) }
  let bytes = try lzmaArchiveAskingFor4GiB()
  let file = directory.appendingPathComponent("bigdict.npz")
  try Data(bytes).write(to: file)
  let result = try runProcess(
    URL(fileURLWithPath: "/bin/sh"),
    ["-c", "ulimit -v 1500000; exec \"$0\" inspect \"$1\"", tlRunBinary.path, file.path],
    in: directory)
  #expect(result.status == 0, "\(result.stderr)")
  #expect(result.stdout.contains("W ") && !result.stdout.contains("unreadable"), "\(result.stdout)")
}

/// The same member with the central directory claiming a 4 GiB member as well (npz fuzz
/// finding: the dictionary was bounded by that claimed size, and liblzma asked for 4 GiB):
/// within a 1 GB address space the dictionary is allocated (64 MiB at most) and the member read,
/// so the error is the size the directory claims, not an allocation liblzma could not make.
@Test func lzmaDictionaryIsBoundedWhenTheDirectoryLies() throws {
  let directory = try Fixtures.temporaryDirectory("hostile")
  defer { try? FileManager.default.removeItem(at: directory) }
  var bytes = try lzmaArchiveAskingFor4GiB()
  let central = try #require(
    (0..<bytes.count - 4).first { bytes[$0..<$0 + 4].elementsEqual([0x50, 0x4B, 0x01, 0x02]) })
  for i in 0..<4 { bytes[central + 24 + i] = [0x97, 0xFF, 0xFF, 0xFF][i] }  // uncompressed size
  let file = directory.appendingPathComponent("bigsize.npz")
  try Data(bytes).write(to: file)
  let result = try runProcess(
    URL(fileURLWithPath: "/bin/sh"),
    ["-c", "ulimit -v 1000000; exec \"$0\" \"$1\" \"$2\"", tlRunBinary.path, "inspect", file.path],
    in: directory)
  #expect(result.status == 2 || result.stdout.contains("unreadable"), "\(result.stdout)\(result.stderr)")
  let said = result.stdout + result.stderr
  #expect(!said.contains("cannot start") && !said.contains("memory"), "\(said)")
}
