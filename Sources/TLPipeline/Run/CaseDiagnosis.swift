import TLArray
import TLCompare
import TLDiagnosis

/// The bridge from one version-1 case to TLDiagnosis (docs/pipeline.md §7): the chain as the
/// diagnosis sees it, `--isolate`'s checks made before anything is written, and its faults as
/// ``PipelineError``s naming the reference.
enum CaseDiagnosis {
  /// The diagnosis's input, or nil when there is nothing to diagnose (no reference, or a
  /// version-2 graph). Under `--isolate` it checks, before any output is written, that the case
  /// is a version-1 chain with a reference holding every intermediate isolation reads.
  static func input(
    _ spec: PipelineSpec, _ loaded: LoadedCase?, _ reference: [(name: String, array: NDArray)]?,
    _ policy: TolerancePolicy, isolate: Bool
  ) throws(PipelineError) -> DiagnosisInput? {
    guard let loaded, let reference else {
      if isolate {
        let what =
          spec.graph != nil ? "takes version-1 pipelines only" : "needs a \"reference\" holding the intermediates"
        throw PipelineError(file: spec.file, path: spec.graph != nil ? "version" : "reference", "--isolate \(what)")
      }
      return nil
    }
    let layers = zip(spec.layers, loaded.configs).map { ChainLayer(name: $0.name, kind: $0.kind, config: $1) }
    let arrays = Dictionary(reference.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
    let input = DiagnosisInput(
      layers: layers, input: loaded.input, dout: loaded.dout, reference: arrays, policy: policy)
    if isolate {
      do { try Diagnoser.checkIsolation(input) } catch {
        throw PipelineError(file: spec.file, path: "reference", error.message)
      }
    }
    return input
  }

  static func run(_ spec: PipelineSpec, _ input: DiagnosisInput, isolate: Bool) throws(PipelineError) -> DiagnosisReport
  {
    do { return try Diagnoser.diagnose(input, isolate: isolate) } catch {
      throw PipelineError(file: spec.file, path: "reference", error.message)
    }
  }
}
