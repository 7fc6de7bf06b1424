import Dispatch
import TLArray
import TLSystem

/// A case's array sources, read side by side: each file read (`pread` into fresh memory, page
/// faults and copy) is independent of the others, so on the book-size language model the six
/// weight files (66 MB) load on both cores instead of one after another. libhdf5 calls stay
/// behind TLHDF5's one lock; a batch's shared arrays behind their cache's.
struct ParallelSources {
  private var sources: [SourceSpec] = []

  /// Adds `source` and returns its index in ``load(with:)``'s result.
  mutating func add(_ source: SourceSpec) -> Int {
    sources.append(source)
    return sources.count - 1
  }

  /// Every array, in the order added. When several sources fail, throws the error of the first
  /// of them in that order: the same one a reading one after another would report.
  func load(with resolver: SourceResolver) throws(PipelineError) -> [NDArray] {
    let results = UncheckedSendable(
      UnsafeMutableBufferPointer<Result<NDArray, PipelineError>?>.allocate(capacity: sources.count))
    results.value.initialize(repeating: nil)
    defer { results.value.deallocate() }
    let sources = self.sources
    DispatchQueue.concurrentPerform(iterations: sources.count) { index in
      results.value[index] = Result { () throws(PipelineError) in try resolver.load(sources[index]) }
    }
    var arrays: [NDArray] = []
    arrays.reserveCapacity(sources.count)
    for result in results.value {
      guard let result else { preconditionFailure("a source was not loaded") }
      arrays.append(try result.get())
    }
    return arrays
  }
}
