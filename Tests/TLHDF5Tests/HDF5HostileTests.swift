import CHDF5
import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

@testable import TLHDF5

/// testdata/hostile/ (gen_hostile_h5.py): damaged files are refused by name before anything is
/// allocated from their sizes, and valid never-written datasets read as their fill value.
@Suite struct HDF5HostileTests {
  @Test(arguments: [
    ("dims-beyond-max.h5", "/x", "dimension 0 of the dataspace is 1099511627776, beyond its stored maximum 2"),
    (
      "never-written-huge.h5", "/x",
      "is never written (the file stores none of its data, which would all be the fill value) and its shape (1099511627776,) of float64 needs 8 TiB, more than this machine's memory ("
    ),
    (
      "compact-short.h5", "/c",
      "stores 24 bytes of data where its shape (1000,) of int32 needs 4000; the file is corrupt"
    ),
    (
      "contiguous-short.h5", "/x",
      "stores 24 bytes of data where its shape (2, 3000) of float32 needs 24000; the file is corrupt"
    ),
    ("enum-size-wide.h5", "/b", "holds non-numeric type 'enum of 2 members'"),
  ])
  func damagedDatasetIsRefusedByName(file: String, dataset: String, cause: String) {
    let path = Fixtures.path("hostile/\(file)")
    for direct in [true, false] {
      #expect {
        try HDF5.read(file: path, dataset: dataset, useDirectChunks: direct)
      } throws: { error in
        guard let error = error as? HDF5Error else { return false }
        return error.file == path && error.dataset == dataset && error.cause.contains(cause)
      }
    }
  }

  /// Chunks that disagree with the layout's chunk shape (gen_hostile_h5.py): the shape patched
  /// (every chunk disagrees), or one later chunk stored or inflating short. libhdf5 1.10.8
  /// sizes a chunk's buffer by what the index says is stored and copied a whole chunk out of
  /// it (a heap overflow the fuzzer found), or read from the wrong places, with no error. Both
  /// read paths refuse them, naming the chunk: libhdf5's path the first that disagrees in C
  /// order, the chunk plan (where every chunk is stored) whichever its workers fail on first.
  @Test(arguments: [
    (
      "chunk-shape-larger.h5", "/z", "[0, 0]",
      "stores 16 bytes where a chunk of shape (2, 3) of 4-byte elements holds 24"
    ),
    (
      "chunk-shape-smaller.h5", "/z", "[0, 0]",
      "stores 16 bytes where a chunk of shape (2, 1) of 4-byte elements holds 8"
    ),
    ("gzip-chunk-larger.h5", "/g/z", "[0, 0]", "inflates to fewer bytes than a chunk holds"),
    ("gzip-chunk-smaller.h5", "/g/z", "[0, 0]", "inflates to more bytes than a chunk holds"),
    (
      "later-chunk-short.h5", "/p", "[2, 3]", "stores 8 bytes where a chunk of shape (2, 3) of 4-byte elements holds 24"
    ),
    ("gzip-later-short.h5", "/p", "[2, 3]", "inflates to fewer bytes than a chunk holds"),
  ])
  func chunksThatDisagreeWithTheLayoutAreRefused(file: String, dataset: String, origin: String, library: String) {
    let path = Fixtures.path("hostile/\(file)")
    for direct in [true, false] {
      #expect {
        try HDF5.read(file: path, dataset: dataset, useDirectChunks: direct)
      } throws: { error in
        guard let error = error as? HDF5Error, error.file == path, error.dataset == dataset else { return false }
        if error.cause == "the chunk at \(origin) \(library); the file is corrupt"
          || error.cause == "the chunk at \(origin) \(library)"
        {
          return true
        }
        // The chunk plan, where it applies, says "holds N bytes where a chunk has M" of any chunk.
        return direct && error.cause.hasPrefix("the chunk at [")
          && (error.cause.contains(library) || error.cause.contains(" bytes where a chunk has "))
      }
    }
  }

  /// Valid: partial edge chunks of a deflated dataset stored unfiltered (an option h5py has no
  /// call for; its chunk's filter mask does not say so), once as the only chunk. They read as
  /// h5py reads them; a check that inflated every stored chunk refused them.
  @Test(arguments: [("/edge", 6), ("/small", 3)])
  func partialEdgeChunksStoredUnfilteredAreRead(dataset: String, count: Int) throws {
    for direct in [true, false] {
      let array = try HDF5.read(
        file: Fixtures.path("hostile/raw-edges.h5"), dataset: dataset, useDirectChunks: direct)
      #expect(array.dtype == .float32 && array.shape == [count])
      #expect(array.scalars(as: Float.self) == (0..<count).map(Float.init))
    }
  }

  /// An external link whose object path lacks its terminating zero byte (gen_hostile_h5.py; the
  /// fuzzer's input is in fuzz/corpus/hdf5/): libhdf5 1.10.8 measured it with strlen past the
  /// end of its buffer while following the link. Refused by name, listed or opened directly,
  /// before anything follows it.
  @Test func externalLinkWithoutItsTerminatorIsRefused() {
    let path = Fixtures.path("hostile/elink-unterminated.h5")
    let cause = "external link /ext stores a file name and an object path without the terminating zero byte"
    #expect {
      try HDF5.datasets(in: path)
    } throws: { error in
      (error as? HDF5Error).map { $0.file == path && $0.dataset == "/ext" && $0.cause.hasPrefix(cause) } ?? false
    }
    #expect {
      try HDF5.read(file: path, dataset: "/ext")
    } throws: { error in
      (error as? HDF5Error).map { $0.file == path && $0.dataset == "/ext" && $0.cause.hasPrefix(cause) } ?? false
    }
  }

  /// What h5py reads from datasets that were never written: their fill value.
  @Test(arguments: ["chunked", "contiguous"])
  func neverWrittenDatasetReadsAsItsFillValue(name: String) throws {
    let expected = try NPY.read(path: Fixtures.path("hostile/expected/never-written/\(name).npy"))
    for direct in [true, false] {
      let array = try HDF5.read(
        file: Fixtures.path("hostile/never-written-small.h5"), dataset: "/\(name)", useDirectChunks: direct)
      #expect(array.dtype == expected.dtype && array.shape == expected.shape)
      #expect(array.withUnsafeBytes { Array($0) } == expected.withUnsafeBytes { Array($0) })
    }
  }

  /// An enum whose own size (32,769 bytes) is wider than its 1-byte base is not h5py's bool:
  /// reading its member values into one byte overflowed the buffer (SIGSEGV).
  @Test func enumWiderThanItsBaseIsNotBool() throws {
    let context = HDF5Context(file: Fixtures.path("hostile/enum-size-wide.h5"))
    try HDF5Library.load(for: context.file)
    try HDF5.withLock {
      let file = try context.openFile()
      let dataset = try context.openDataset(file, "/b")
      let type = try context.own(H5Dget_type(dataset.id), .datatype, "type")
      let base = try context.own(H5Tget_super(type.id), .datatype, "base")
      #expect(H5Tget_size(type.id) == 32769 && H5Tget_size(base.id) == 1)
      #expect(HDF5TypeMap.classify(type.id) == .refused("enum of 2 members"))
      let bool = try HDF5TypeMap.memoryType(for: .bool, context)
      #expect(HDF5TypeMap.classify(bool.id) == .numeric(.bool, bigEndian: false))
    }
  }

  /// A directory or a FIFO named like an HDF5 file is refused by kind before libhdf5 opens it
  /// (opening a FIFO blocks until someone writes to it).
  @Test func onlyRegularFilesReachTheLibrary() throws {
    let directory = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("folder.h5").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    let fifo = directory.appendingPathComponent("fifo.h5").path
    try #require(mkfifo(fifo, 0o600) == 0)
    #expect(throws: HDF5Error(file: folder, cause: "is a directory, not an HDF5 file")) {
      try HDF5.datasets(in: folder)
    }
    #expect(throws: HDF5Error(file: fifo, cause: "is a FIFO (named pipe), not an HDF5 file")) {
      try HDF5.read(file: fifo, dataset: "/x")
    }
    #expect(throws: HDF5Error(file: fifo, cause: "is a FIFO (named pipe), not an HDF5 file")) {
      try HDF5.write(NDArray(scalar: Float(1)), to: fifo, dataset: "/x")
    }
  }

  @Test func crashLineNamesFileAndSignal() {
    #expect(
      HDF5CrashGuard.message(file: "w.h5", signal: 11)
        == "tl-run: w.h5: libhdf5 crashed reading this file (signal 11); the file is corrupt\n")
    let long = String(repeating: "d/", count: 3000) + "w.h5"
    let line = HDF5CrashGuard.message(file: long, signal: 6)
    #expect(line.hasSuffix("...: libhdf5 crashed reading this file (signal 6); the file is corrupt\n"))
  }

  @Test func byteSizesAreReadable() {
    #expect(HDF5Memory.describe(512) == "512 bytes")
    #expect(HDF5Memory.describe(1 << 43) == "8 TiB")
    #expect(HDF5Memory.describe(25_300_000_000) == "23.6 GiB")
    #expect(HDF5Memory.limit > 0)
  }
}
