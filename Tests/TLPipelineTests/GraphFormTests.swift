import Foundation
import TLArray
import TLPipeline
import TLTestSupport
import Testing

/// pipelines/graph_* write each book model out as an explicit graph: the graph gives the same
/// numbers, bit for bit, as the `model` form of the same case in testdata/models.
@Suite("Version-2 graph form")
struct GraphFormTests {
  static let models = ["simple_rnnlm", "rnnlm", "better_rnnlm", "seq2seq", "peeky_seq2seq", "attention_seq2seq"]

  /// Runs a copy of `relative` (a case directory) and returns its results by name.
  static func run(_ relative: String) throws -> [String: NDArray] {
    let root = try Fixtures.temporaryDirectory("graph")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent("case")
    try FileManager.default.copyItem(at: Fixtures.repositoryRoot.appendingPathComponent(relative), to: directory)
    try? FileManager.default.removeItem(at: directory.appendingPathComponent("out"))
    let result = try PipelineRunner.run(
      try PipelineSpec.load(path: directory.appendingPathComponent("pipeline.json").path))
    #expect(result.comparison?.isPass == true, "\(relative)")
    return Dictionary(uniqueKeysWithValues: result.results.map { ($0.name, $0.array) })
  }

  @Test("the explicit graph equals the model form", arguments: models)
  func graphEqualsModel(_ model: String) throws {
    let graph = try Self.run("pipelines/graph_\(model)")
    let sugar = try Self.run("testdata/models/\(model)_f32")
    #expect(graph.keys.sorted() == sugar.keys.sorted())
    for (name, array) in sugar { #expect(graph[name] == array, "\(name)") }
  }

  static func decode(_ json: String) throws -> PipelineSpec {
    try PipelineSpec.decode(Array(json.utf8), file: "p.json")
  }

  static let base = #""version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": "p.npz""#

  /// Every fault of a graph names its JSON path, before anything is loaded.
  @Test(arguments: [
    (
      #"{\#(base), "model": "Rnnlmx"}"#,
      #"model: unknown model "Rnnlmx" (did you mean "Rnnlm"?); expected one of: SimpleRnnlm"#
    ),
    (#"{\#(base)}"#, #"missing "model""#),
    (
      #"{\#(base), "model": "Rnnlm", "train": {"steps": 2, "optimizer": {"type": "Adam"}}}"#,
      "inputs.xs: expected a list of 2 sources"
    ),
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"type": "Adamm"}}}"#,
      #"train.optimizer.type: unknown optimizer "Adamm" (did you mean "Adam"?); expected one of: SGD"#
    ),
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"type": "SGD", "rate": 1}}}"#,
      "train.optimizer: unknown key \"rate\""
    ),
    (#"{\#(base), "model": "Rnnlm", "generate": {"start_id": 1, "sample_size": 2}}"#, "generate: only the seq2seq"),
    (#"{\#(base), "model": "Seq2seq", "generate": {"start_id": -1, "sample_size": 2}}"#, "generate.start_id: expected"),
    (
      #"{\#(base), "model": "Seq2seq", "generate": {"start_id": 1, "sample_size": 9223372036854775807}}"#,
      "generate.sample_size: 9223372036854775807 is more than tl-run generates (at most 100000 ids)"
    ),
    (
      #"{\#(base), "graph": [{"name": "e", "type": "TimeEmbedding", "in": "x"}], "loss": "e"}"#,
      "graph[0].in: unknown value 'x'"
    ),
    (
      #"{\#(base), "graph": [{"name": "e", "type": "TimeEmbedding", "in": "xs[0]"}], "loss": "e"}"#,
      "graph[0].in: bad value reference 'xs[0]'"
    ),
    (
      #"{\#(base), "graph": [{"name": "e", "type": "TimeEmbedding", "in": "xs"}, {"name": "e", "op": "sum", "in": ["e", "e"]}], "loss": "e"}"#,
      "graph[1].name: the value \"e\" exists already"
    ),
    (
      #"{\#(base), "graph": [{"name": "e", "type": "TimeEmbedding", "in": "xs"}], "loss": "e"}"#,
      "loss: \"e\" names no loss layer"
    ),
    (
      #"{\#(base), "graph": [{"name": "l", "type": "TimeLSTM", "in": "xs", "set_state": {"c": "xs"}}], "loss": "l"}"#,
      "graph[0].set_state.h: missing"
    ),
    (
      #"{\#(base), "graph": [{"name": "l", "type": "TimeLstm", "in": "xs"}], "loss": "l"}"#,
      #"graph[0].type: unknown layer type "TimeLstm" (did you mean "TimeLSTM"?); expected one of: "#
    ),
    (
      #"{\#(base), "graph": [{"name": "c", "op": "concats", "in": "xs"}], "loss": "c"}"#,
      #"graph[0].op: unknown op "concats" (did you mean "concat"?); expected one of: slice, repeat, concat, split, sum"#
    ),
    // Arguments the book's optimizer or model does not take were ignored, and the run passed.
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"type": "SGD", "lr": 0.1, "momentum": 0.9}}}"#,
      #"train.optimizer.momentum: SGD takes no "momentum" (its arguments: lr)"#
    ),
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"type": "Adam", "momentum": 0.5}}}"#,
      #"train.optimizer.momentum: Adam takes no "momentum" (its arguments: lr, beta1, beta2)"#
    ),
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"type": "Momentum", "decay_rate": 0.9}}}"#,
      #"train.optimizer.decay_rate: Momentum takes no "decay_rate" (its arguments: lr, momentum)"#
    ),
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"type": "RMSprop", "beta1": 0.9}}}"#,
      #"train.optimizer.beta1: RMSprop takes no "beta1" (its arguments: lr, decay_rate)"#
    ),
    (
      #"{\#(base), "model": "Rnnlm", "dropout_ratio": 0.9}"#,
      #"dropout_ratio: only BetterRnnlm takes "dropout_ratio"; Rnnlm has no dropout"#
    ),
    (
      #"{\#(base), "model": "AttentionSeq2seq", "train_flg": false}"#,
      #"train_flg: only BetterRnnlm takes "train_flg"; AttentionSeq2seq has no dropout"#
    ),
    (
      #"{\#(base), "graph": [{"name": "e", "type": "TimeEmbedding", "in": "xs"}, {"name": "l", "type": "TimeSoftmaxWithLoss", "in": "e", "ts": "ts"}], "loss": "l", "dropout_ratio": 0.1}"#,
      #"dropout_ratio: only the model BetterRnnlm takes "dropout_ratio"; a graph's Dropout and TimeDropout nodes"#
    ),
    (
      #"{\#(base), "model": "BetterRnnlm", "dropout_ratio": 1.5}"#, "dropout_ratio: expected a ratio in [0, 1), got 1.5"
    ),
    (
      #"{"version": 2, "params": "p.npz", "model": "Rnnlm", "inputs": {"xs": ["a.npy"], "ts": ["b.npy"]}, "train": {"steps": 1, "optimizer": {"lr": 0.1}}}"#,
      #"train.optimizer: missing required key "type" (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam)"#
    ),
    (#"{\#(base), "model": 3}"#, "model: expected a string"),
    (
      #"{\#(base), "graph": [{"name": "s", "op": "split", "in": "xs", "sizes": [0]}], "loss": "s"}"#,
      "graph[0].sizes: expected positive integers"
    ),
    (
      #"{\#(base), "graph": [{"name": "a", "type": "TimeAffine", "in": "xs", "params": {"W": {"tied": "e.W", "t": true}}}], "loss": "a"}"#,
      "graph[0].params.W: unknown key \"t\""
    ),
  ])
  func errorsNameTheirPath(json: String, expected: String) {
    do {
      _ = try Self.decode(json)
      Issue.record("decoded: \(json)")
    } catch {
      #expect("\(error)".contains(expected), "\(error)")
    }
  }
}
