import Foundation
import Synchronization
import TLArray
import TLHDF5
import TLTestSupport
import Testing

/// What the process writes to stderr (fd 2) while `body` runs. The pipe is read while `body`
/// runs: tests running meanwhile write to the same fd 2, and a full pipe would block them.
private func capturingStandardError(_ body: () -> Void) throws -> String {
  let pipe = Pipe()
  let captured = CapturedText()
  let reader = Thread {
    captured.text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  }
  fflush(nil)
  let saved = dup(2)
  try #require(saved >= 0 && dup2(pipe.fileHandleForWriting.fileDescriptor, 2) >= 0)
  reader.start()
  body()
  fflush(nil)
  dup2(saved, 2)
  close(saved)
  try pipe.fileHandleForWriting.close()
  captured.done.wait()
  return captured.text
}

/// The text a reader thread collected: written once by it before it signals `done`, read after.
private final class CapturedText: @unchecked Sendable {
  let done = DispatchSemaphore(value: 0)
  var text = "" {
    didSet { done.signal() }
  }
}

/// Runs `body` on a new thread (one libhdf5 has never seen) and waits for it.
private func onNewThread(_ body: @escaping @Sendable () -> Void) {
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    body()
    done.signal()
  }
  thread.start()
  done.wait()
}

/// Failures inside libhdf5 on a fresh thread print nothing: error printing is off on every
/// thread that calls the library, and the message travels in the thrown error instead.
@Test func failuresOnOtherThreadsPrintNoDiagnostics() throws {
  let failing = ["h5/truncated.h5", "h5/not_hdf5.h5"].map { Fixtures.path($0) }
  let errors = LockedErrors()
  let printed = try capturingStandardError {
    for file in failing {
      onNewThread {
        do { _ = try HDF5.read(file: file, dataset: "/x") } catch { errors.append(error) }
      }
      onNewThread {
        do { _ = try HDF5.datasets(in: file) } catch { errors.append(error) }
      }
    }
  }
  // The library's diagnostic blocks start `HDF5-DIAG`; the test runner's own progress lines,
  // which other tests running meanwhile write to the same stderr, name tests with "HDF5" in.
  #expect(!printed.contains("HDF5-DIAG"), "stderr: \(printed)")
  #expect(errors.all.count == 4)
  #expect(errors.all.allSatisfy { "\($0)".contains("cannot open the file: ") })
}

/// Reads from many threads at once return what one thread reads.
@Test func concurrentReadsAgree() throws {
  let file = Fixtures.path("h5/data.h5")
  let paths = try HDF5.datasets(in: file).filter { $0.dtype != nil && !$0.filters.contains("lzf") }
    .map(\.path)
  let expected = try paths.map { try HDF5.read(file: file, dataset: $0) }
  let mismatches = LockedErrors()
  DispatchQueue.concurrentPerform(iterations: 64) { iteration in
    let index = iteration % paths.count
    do {
      if try HDF5.read(file: file, dataset: paths[index]) != expected[index] {
        mismatches.append(HDF5Error(file: file, dataset: paths[index], cause: "differs"))
      }
    } catch { mismatches.append(error) }
  }
  #expect(mismatches.all.isEmpty, "\(mismatches.all)")
}

/// Errors gathered from several threads.
private final class LockedErrors: Sendable {
  private let errors = Mutex<[any Error]>([])
  func append(_ error: any Error) { errors.withLock { $0.append(error) } }
  var all: [any Error] { errors.withLock { $0 } }
}
