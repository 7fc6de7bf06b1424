import Dispatch
import TLArray
import TLSystem

/// A case's array sources, read side by side: each file read (`pread` into fresh memory, page
/// faults and copy) is independent of the others, so on the book-size language model the six
/// weight files (66 MB) load on both cores instead of one after another. A batch's shared arrays
/// stay behind their cache's lock.
///
/// HDF5 sources are not read ahead: libhdf5 can crash on a hostile file, and its crash guard
/// ends the process with its own line, which would pre-empt the error of an earlier source.
/// Each is read in its turn, once every source before it has loaded.
struct ParallelSources {
  private var sources: [SourceSpec] = []

  /// Adds `source` and returns its index in ``load(with:)``'s result.
  mutating func add(_ source: SourceSpec) -> Int {
    sources.append(source)
    return sources.count - 1
  }

  /// Every array, in the order added. When several sources fail, throws the error of the first
  /// of them in that order: the one a reading one after another would report. (The sources
  /// after a failing one may have been read meanwhile; their files count as read, so a failed
  /// run protects them from its clean-up of stale outputs as it does the others.)
  func load(with resolver: SourceResolver) throws(PipelineError) -> [NDArray] {
    let sources = self.sources
    let inTurn = sources.map { resolver.readsHDF5($0) }
    let results = UncheckedSendable(
      UnsafeMutableBufferPointer<Result<NDArray, PipelineError>?>.allocate(capacity: sources.count))
    results.value.initialize(repeating: nil)
    defer { results.value.deallocate() }
    let ahead = sources.indices.filter { !inTurn[$0] }
    Processors.concurrentPerform(iterations: ahead.count) { position in
      let index = ahead[position]
      results.value[index] = Result { () throws(PipelineError) in try resolver.load(sources[index]) }
    }
    var arrays: [NDArray] = []
    arrays.reserveCapacity(sources.count)
    for index in sources.indices {
      if inTurn[index] {
        arrays.append(try resolver.load(sources[index]))
        continue
      }
      guard let result = results.value[index] else { preconditionFailure("source \(index) was not read") }
      arrays.append(try result.get())
    }
    return arrays
  }
}
