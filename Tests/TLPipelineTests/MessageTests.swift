import Foundation
import TLArray
import TLPipeline
import TLTestSupport
import Testing

/// One-line messages that name the right place: a graph node's runtime error at its JSON path,
/// a number beyond a double's range as out of range, a weight that does not fit its input.
@Suite struct MessageTests {
  /// A TimeEmbedding fed an id past its rows fails while computing (shapes cannot tell): the
  /// message is at the node's index, as the checks before compute are.
  @Test func aNodesRuntimeErrorNamesItsIndex() throws {
    let xs = NDArray(shape: [1, 2], scalars: [Int64]([6, 0]))
    let w = NDArray(shape: [2, 3], scalars: [Float](repeating: 0.5, count: 6))
    let scratch = try ScratchCase(
      json: #"""
        {"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": {"encoder.embed.W": "W.npy"},
         "graph": [{"name": "encoder.embed", "type": "TimeEmbedding", "in": "xs"},
                   {"name": "loss", "type": "TimeSoftmaxWithLoss", "in": "encoder.embed", "ts": "ts"}],
         "loss": "loss"}
        """#, arrays: ["xs": xs, "W": w, "ts": NDArray(shape: [1, 2], scalars: [Int64]([0, 1]))])
    defer { scratch.remove() }
    #expect {
      _ = try scratch.run()
    } throws: { error in
      "\(error)"
        == "\(scratch.pipeline): graph[0]: TimeEmbedding \"encoder.embed\" xs value 6 at (0, 0) is out of bounds for 2 rows"
    }
  }

  /// A version-2 TimeAffine whose W's first dimension is not x's last blames W and x together.
  @Test func aWeightThatDoesNotFitItsInputNamesBoth() throws {
    let xs = NDArray(shape: [3, 4, 4], scalars: [Float](repeating: 0.1, count: 48))
    let w = NDArray(shape: [5, 2], scalars: [Float](repeating: 0.5, count: 10))
    let b = NDArray(shape: [2], scalars: [Float](repeating: 0, count: 2))
    let scratch = try ScratchCase(
      json: #"""
        {"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": {"a.W": "W.npy", "a.b": "b.npy"},
         "graph": [{"name": "a", "type": "TimeAffine", "in": "xs"},
                   {"name": "loss", "type": "TimeSoftmaxWithLoss", "in": "a", "ts": "ts"}],
         "loss": "loss"}
        """#,
      arrays: ["xs": xs, "W": w, "b": b, "ts": NDArray(shape: [3, 4], scalars: [Int64](repeating: 1, count: 12))])
    defer { scratch.remove() }
    #expect {
      _ = try scratch.run()
    } throws: { error in
      "\(error)"
        == "\(scratch.pipeline): graph[0]: TimeAffine \"a\" W of shape (5,2) does not fit x of shape (3,4,4): expects W of shape (D,M) = (4,2)"
    }
  }

  /// `1e400` is a JSON number no double holds: refused as out of range wherever a number is
  /// read (tolerances, a layer's number option, the optimizer's arguments).
  @Test(arguments: [
    (#""tolerance": {"rtol": 1e400}"#, "tolerance.rtol"),
    (#""tolerance": {"atol": -1e999}"#, "tolerance.atol"),
    (#""tolerance": {"arrays": {"out": {"rtol": 2e308}}}"#, "tolerance.arrays.out.rtol"),
  ])
  func aNumberBeyondADoubleIsOutOfRange(key: String, path: String) throws {
    let scratch = try ScratchCase(
      json: #"{"version": 1, "input": "x.npy", "layers": [{"name": "s", "type": "Sigmoid"}], "dout": "x.npy", "#
        + key + "}",
      arrays: ["x": NDArray(shape: [2], scalars: [Float(0), 1])])
    defer { scratch.remove() }
    #expect {
      _ = try PipelineSpec.load(path: scratch.pipeline)
    } throws: { error in
      let text = "\(error)"
      return text.hasPrefix("\(scratch.pipeline): \(path): ") && text.contains("is out of range: it overflows a double")
        && !text.contains("\n")
    }
  }

  /// The same for version 2's numbers: BetterRnnlm's `dropout_ratio` and the optimizer's `lr`.
  @Test(arguments: [
    (#""model": "BetterRnnlm", "dropout_ratio": 1e400"#, "dropout_ratio", #""xs.npy""#, #""ts.npy""#),
    (
      #""model": "Rnnlm", "train": {"steps": 1, "optimizer": {"type": "SGD", "lr": 1e400}}"#, "train.optimizer.lr",
      #"["xs.npy"]"#, #"["ts.npy"]"#
    ),
  ])
  func aVersion2NumberBeyondADoubleIsOutOfRange(key: String, path: String, xs: String, ts: String) throws {
    let scratch = try ScratchCase(
      json: #"{"version": 2, "inputs": {"xs": "# + xs + #", "ts": "# + ts + #"}, "params": "p.npz", "# + key + "}",
      arrays: [:])
    defer { scratch.remove() }
    #expect {
      _ = try PipelineSpec.load(path: scratch.pipeline)
    } throws: { error in
      "\(error)".hasPrefix("\(scratch.pipeline): \(path): 1e400 is out of range: it overflows a double")
    }
  }
}
