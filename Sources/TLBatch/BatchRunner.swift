import Foundation
import Synchronization
import TLLayers
import TLPipeline
import TLSystem

/// Runs every case of a batch with one pipeline, `jobs` at a time; every case runs whatever
/// the others do, and a case that throws becomes an `error` entry with its message.
public enum BatchRunner {
  /// Runs `cases` (already sliced to a shard, if any) and returns their report.
  ///
  /// Weights beside the pipeline are read once into `sharedCache` and shared by every case.
  /// `observe`, when given, sees each case's results (with its index in `cases` and its name) before they are
  /// let go, from the worker that ran it. `onFinish` is called once per case as it finishes, one call at a time, from a worker
  /// thread. With `jobs > 1` products run on one thread for the batch's duration, so the cases,
  /// not BLAS, use the cores; the previous thread count is restored afterwards.
  public static func run(
    _ spec: PipelineSpec, cases: [BatchCase], jobs: Int, options: RunOptions = RunOptions(),
    shard: Shard? = nil, sharedCache: SharedArrayCache = SharedArrayCache(),
    onFinish: @escaping @Sendable (BatchCaseReport) -> Void = { _ in },
    observe: (@Sendable (Int, String, CaseResult) -> Void)? = nil
  ) throws(BatchError) -> BatchReport {
    precondition(jobs >= 1, "jobs must be at least 1")
    if spec.outputs.hasPrefix("/") {
      throw BatchError(
        "\(spec.file): outputs: \(spec.outputs) is absolute, so every case would write to the same place; in a batch it must be relative to the case directory"
      )
    }
    if climbsOut(spec.outputs) {
      throw BatchError(
        "\(spec.file): outputs: \(spec.outputs) climbs out of the case directory ('..'), so the cases would write over each other's results; in a batch it must stay inside the case directory"
      )
    }
    let start = ContinuousClock.now
    let queue = CaseQueue(cases.count, onFinish: onFinish)
    let work: @Sendable () -> Void = {
      while let index = queue.take() {
        queue.finish(
          index,
          runCase(spec, cases[index], options: options, sharedCache: sharedCache) {
            observe?(index, cases[index].name, $0)
          })
      }
    }
    let workers = min(jobs, cases.count)
    LayerCompute.withSingleThreadedProducts(when: jobs > 1) {
      if workers <= 1 {
        work()
      } else {
        let group = DispatchGroup()
        for _ in 0..<workers {
          group.enter()
          let thread = Thread {
            work()
            group.leave()
          }
          thread.stackSize = 8 << 20  // as the main thread's: layer code may recurse on deep shapes
          thread.start()
        }
        group.wait()
      }
    }
    return BatchReport(
      pipeline: spec.name, pipelineFile: spec.file, shard: shard, cases: queue.reports,
      wallSeconds: (ContinuousClock.now - start).seconds)
  }

  /// One case in its own directory; any fault becomes its `error` entry. `observe` sees the
  /// results of a case that ran (the `--html` page's ``BatchPage``).
  static func runCase(
    _ spec: PipelineSpec, _ batchCase: BatchCase, options: RunOptions, sharedCache: SharedArrayCache,
    observe: (CaseResult) -> Void = { _ in }
  ) -> BatchCaseReport {
    var caseOptions = options
    caseOptions.caseDirectory = batchCase.directory
    let start = ContinuousClock.now
    var report: RunReport
    do {
      let result = try PipelineRunner.run(spec, options: caseOptions, sharedCache: sharedCache)
      observe(result)
      report = RunReport(result)
      report.name = batchCase.name
    } catch {
      report = RunReport(name: batchCase.name, error: error)
    }
    return BatchCaseReport(run: report, directory: batchCase.directory, seconds: (ContinuousClock.now - start).seconds)
  }
}

/// Hands out case indices to workers and collects their reports in case order.
private final class CaseQueue: Sendable {
  private struct State {
    var next = 0
    var finished: [BatchCaseReport?]
  }

  private let state: Mutex<State>
  private let onFinish: @Sendable (BatchCaseReport) -> Void

  init(_ count: Int, onFinish: @escaping @Sendable (BatchCaseReport) -> Void) {
    state = Mutex(State(finished: Array(repeating: nil, count: count)))
    self.onFinish = onFinish
  }

  func take() -> Int? {
    state.withLock { state in
      guard state.next < state.finished.count else { return nil }
      defer { state.next += 1 }
      return state.next
    }
  }

  /// Records a report and tells `onFinish`, under the lock so calls never overlap.
  func finish(_ index: Int, _ report: BatchCaseReport) {
    state.withLock { state in
      state.finished[index] = report
      onFinish(report)
    }
  }

  var reports: [BatchCaseReport] { state.withLock { state in state.finished.compactMap { $0 } } }
}

/// Whether the relative path `path` leaves the directory it is relative to by its `..`
/// components alone (`../shared`, `out/../../x`; not `a/../b`). Symbolic links are not followed.
func climbsOut(_ path: String) -> Bool {
  var depth = 0
  for component in path.split(separator: "/", omittingEmptySubsequences: true) {
    switch component {
    case ".": continue
    case "..":
      depth -= 1
      if depth < 0 { return true }
    default: depth += 1
    }
  }
  return false
}
