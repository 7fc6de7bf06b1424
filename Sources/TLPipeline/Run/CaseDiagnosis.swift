import TLArray
import TLCompare
import TLDiagnosis

/// The bridge from one case to TLDiagnosis (docs/pipeline.md §7): a version-1 chain or a
/// version-2 graph as the diagnosis sees it, `--isolate`'s checks made before anything is
/// written, and its faults as ``PipelineError``s naming the reference.
enum CaseDiagnosis {
  /// What is diagnosed: a version-1 chain or a version-2 graph.
  enum Input {
    case chain(DiagnosisInput)
    case graph(GraphDiagnosisInput)
  }

  /// The diagnosis's input, or nil when there is nothing to diagnose (no reference; a
  /// version-2 run with `train` or `generate`). Under `--isolate` it checks, before any output
  /// is written, that the reference holds every intermediate isolation reads, and refuses
  /// `train` and `generate`.
  static func input(
    _ spec: PipelineSpec, _ loaded: LoadedCase?, _ graphRun: GraphRun?, _ reference: [(name: String, array: NDArray)]?,
    _ policy: TolerancePolicy, isolate: Bool
  ) throws(PipelineError) -> Input? {
    if let graphRun {
      return try graphInput(spec, graphRun, reference, policy, isolate: isolate).map(Input.graph)
    }
    guard let loaded, let reference else {
      if isolate {
        throw PipelineError(
          file: spec.file, path: "reference", "--isolate needs a \"reference\" holding the intermediates")
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
    return .chain(input)
  }

  static func run(_ spec: PipelineSpec, _ input: Input, isolate: Bool) throws(PipelineError) -> DiagnosisReport {
    switch input {
    case .chain(let chain):
      do { return try Diagnoser.diagnose(chain, isolate: isolate) } catch {
        throw PipelineError(file: spec.file, path: "reference", error.message)
      }
    case .graph(let graph):
      return Diagnoser.diagnose(graph: graph, isolate: isolate)
    }
  }
}
