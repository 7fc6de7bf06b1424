import Foundation
import TLTestSupport
import Testing

// LD_DEBUG and the sonames are glibc's and Linux's.
#if os(Linux)
  /// libhdf5 is loaded on first use (Sources/CHDF5): a run that touches no HDF5 file never loads it
  /// nor its dependencies, the first HDF5 read or write loads it, and a library that cannot be
  /// loaded fails that read or write with exit status 2 and one line naming the file.
  @Suite struct HDF5LoadingCLITests {
    /// Runs `tl-run` with `environment` added, and the names of the shared libraries the dynamic
    /// loader looked up for it, those `dlopen` loads too (`LD_DEBUG=libs` writes a
    /// `find library=NAME [0]; searching` line on stderr for each).
    private static func run(_ arguments: [String], environment: [String: String] = [:]) throws
      -> (result: ProcessResult, libraries: [String])
    {
      let result = try tlRunBatch(arguments, environment: environment.merging(["LD_DEBUG": "libs"]) { $1 })
      let libraries = result.stderr.split(separator: "\n").compactMap { line -> String? in
        guard let found = line.range(of: "find library=") else { return nil }
        return line[found.upperBound...].split(separator: " ").first.map(String.init)
      }
      return (result, libraries)
    }

    /// tl-run's own lines: stderr without the loader's (`PID:\t…`).
    private static func ownLines(_ stderr: String) -> [Substring] {
      stderr.split(separator: "\n").filter { line in
        !(line.first?.isWhitespace ?? false) && !line.prefix(while: { $0 != ":" }).allSatisfy(\.isNumber)
      }
    }

    @Test func npyRunDoesNotLoadLibhdf5() throws {
      let batch = try scratchBatch()
      defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
      let (result, libraries) = try Self.run([batch.pipeline, "--case", batch.cases + "/case_1"])
      #expect(result.status == 0, "\(Self.ownLines(result.stderr))")
      // The loader's report is there (libdeflate is linked), and names no libhdf5; nor OpenBLAS
      // and libcrypto, which are linked from their static archives (start-up: Package.swift).
      #expect(libraries.contains { $0.hasPrefix("libdeflate") }, "\(libraries)")
      #expect(!libraries.contains { $0.contains("hdf5") }, "\(libraries)")
      #expect(!libraries.contains { $0.hasPrefix("libopenblas") || $0.hasPrefix("libcrypto") }, "\(libraries)")
      // So the run needs none: a library that cannot be loaded changes nothing.
      let without = try tlRunBatch(
        [batch.pipeline, "--case", batch.cases + "/case_1"], environment: ["TL_HDF5_LIBRARY": "/nonexistent/libhdf5.so"]
      )
      #expect(without.status == 0 && without.stderr.isEmpty, "\(without.stderr)")
    }

    @Test(arguments: [["inspect", "testdata/h5/chunked.h5"], ["convert", "testdata/batch/W.npy", "OUT"]])
    func hdf5ReadOrWriteLoadsLibhdf5(_ arguments: [String]) throws {
      let directory = try Fixtures.temporaryDirectory("hdf5-load")
      defer { try? FileManager.default.removeItem(at: directory) }
      let output = directory.appendingPathComponent("W.h5").path
      let (result, libraries) = try Self.run(arguments.map { $0 == "OUT" ? output : $0 })
      #expect(result.status == 0, "\(Self.ownLines(result.stderr))")
      #expect(libraries.contains { $0.hasPrefix("libhdf5") }, "\(libraries)")
    }

    /// `TL_HDF5_LIBRARY` names the library to load instead of libhdf5's soname: a missing file,
    /// or a library without libhdf5's functions, is what a machine without libhdf5 would see.
    @Test(arguments: [
      (
        "/nonexistent/libhdf5.so",
        "libhdf5 could not be loaded: /nonexistent/libhdf5.so: cannot open shared object file: No such file or directory"
      ),
      ("libz.so.1", "libhdf5 could not be loaded: libz.so.1 has no symbol H5Dclose"),
    ])
    func unloadableLibraryIsExitTwoWithOneLine(_ library: String, _ cause: String) throws {
      let environment = ["TL_HDF5_LIBRARY": library]
      let read = try tlRunBatch(["inspect", "testdata/h5/data.h5"], environment: environment)
      #expect(read.status == 2 && !read.signaled, "\(read.stderr)")
      #expect(read.stderr == "tl-run: HDF5 testdata/h5/data.h5: \(cause)\n")

      let directory = try Fixtures.temporaryDirectory("hdf5-load")
      defer { try? FileManager.default.removeItem(at: directory) }
      let output = directory.appendingPathComponent("W.h5").path
      let write = try tlRunBatch(["convert", "testdata/batch/W.npy", output], environment: environment)
      #expect(write.status == 2 && !write.signaled, "\(write.stderr)")
      #expect(write.stderr == "tl-run: HDF5 \(output): \(cause)\n")
      // Nothing written, not even a temporary file.
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A `TL_HDF5_LIBRARY` path that is a FIFO or a directory is refused before `dlopen`, whose
    /// `open` of a FIFO would block until a writer came (a run once hung there).
    @Test func libraryPathThatIsNoFileIsRefused() throws {
      let directory = try Fixtures.temporaryDirectory("hdf5-library")
      defer { try? FileManager.default.removeItem(at: directory) }
      let fifo = directory.appendingPathComponent("lib.fifo").path
      #expect(mkfifo(fifo, 0o600) == 0)
      for library in [fifo, directory.path] {
        let read = try tlRunBatch(["inspect", "testdata/h5/data.h5"], environment: ["TL_HDF5_LIBRARY": library])
        #expect(read.status == 2 && !read.signaled, "\(read.stderr)")
        #expect(
          read.stderr
            == "tl-run: HDF5 testdata/h5/data.h5: libhdf5 could not be loaded: \(library) (TL_HDF5_LIBRARY) is not a regular file\n"
        )
      }
    }

    /// What is wrong with the file comes before the library: on a machine without libhdf5, a
    /// missing .h5 file, a directory or a FIFO named like one is reported as such (the same line
    /// as with the library), not as `libhdf5 could not be loaded`; so is a write to a directory
    /// or a FIFO.
    @Test func fileProblemsComeBeforeTheLibrary() throws {
      let directory = try Fixtures.temporaryDirectory("hdf5-load")
      defer { try? FileManager.default.removeItem(at: directory) }
      let missing = directory.appendingPathComponent("missing.h5").path
      let folder = directory.appendingPathComponent("folder.h5").path
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
      let fifo = directory.appendingPathComponent("fifo.h5").path
      try #require(mkfifo(fifo, 0o600) == 0)
      let environment = ["TL_HDF5_LIBRARY": "/nonexistent/libhdf5.so"]
      let fifoWrite = "is a FIFO (named pipe), not an HDF5 file; the target is unchanged; --replace writes it anew"
      let cases: [(arguments: [String], line: String)] = [
        // TLHDF5's own check, which ran after the loading.
        (["inspect", missing], "tl-run: HDF5 \(missing): no such file\n"),
        (["inspect", missing + ":/x"], "tl-run: HDF5 \(missing): no such file\n"),
        (["compare", missing, "testdata/h5/data.h5"], "tl-run: HDF5 \(missing): no such file\n"),
        (["convert", "testdata/batch/W.npy", folder], "tl-run: HDF5 \(folder): is a directory, not a file to write\n"),
        (
          ["convert", "testdata/batch/W.npy", fifo],
          "tl-run: HDF5 \(fifo): \(fifoWrite) with only the converted arrays\n"
        ),
        // The command line's own check of an input, before TLHDF5.
        (["inspect", folder], "tl-run: \(folder): is a directory, not an HDF5 file\n"),
        (["inspect", fifo + ":/x"], "tl-run: \(fifo): is a FIFO (named pipe), not a regular file\n"),
      ]
      for (arguments, line) in cases {
        let result = try tlRunBatch(arguments, environment: environment)
        #expect(result.status == 2 && !result.signaled, "\(arguments): \(result.stderr)")
        #expect(result.stderr == line, "\(arguments)")
        // With the library the line is the same.
        let loaded = try tlRunBatch(arguments)
        #expect(loaded.status == 2 && loaded.stderr == line, "\(arguments): \(loaded.stderr)")
      }
    }
  }
#endif
