import Foundation
import TLArray
import TLFormats
import TLPipeline
import TLTestSupport
import Testing

/// The diagnosis of a failed run (docs/pipeline.md §7) on ports far off in scale and on long
/// sequences: it finishes, with the comparison's verdict, and never traps. Each case is built
/// here: tl-run's own results written back as the reference with one array changed.
@Suite struct DiagnosisRobustnessTests {
  /// A version-1 chain of one layer in a fresh directory; its arrays as `.npy` files.
  static func chain(_ type: String, params: [String: NDArray], input: NDArray, dout: NDArray) throws -> ScratchCase {
    let listed = params.keys.sorted().map { #""\#($0)": "layer.\#($0).npy""# }.joined(separator: ", ")
    let json = #"""
      {"version": 1, "name": "long", "input": "input.npy", "dout": "dout.npy",
       "layers": [{"name": "layer", "type": "\#(type)", "params": {\#(listed)}}]}
      """#
    var arrays = ["input": input, "dout": dout]
    for (name, array) in params { arrays["layer.\(name)"] = array }
    return try ScratchCase(json: json, arrays: arrays)
  }

  /// Runs `scratch` once, writes its results as `expected/` with `change` applied by name, and
  /// runs it again against that reference.
  static func runAgainstChanged(_ scratch: ScratchCase, _ change: (String, inout [Float]) -> Void) throws
    -> CaseResult
  {
    let own = try scratch.run()
    let expected = scratch.directory.appendingPathComponent("expected")
    try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
    for (name, array) in own.results {
      var written = array
      if array.dtype == .float32 {
        var values = array.scalars(as: Float.self)
        change(name, &values)
        written = NDArray(shape: array.shape, scalars: values)
      }
      try NPY.write(written, to: expected.appendingPathComponent(name + ".npy").path)
    }
    try scratch.editPipeline { $0["reference"] = "expected" }
    return try scratch.run()
  }

  /// A float32 array of `shape` with values in [-1, 1) from a fixed sequence.
  static func filled(_ shape: [Int], seed: Int) -> NDArray {
    let count = shape.reduce(1, *)
    return NDArray(shape: shape, scalars: (0..<count).map { Float(sin(Double($0 * 7 + seed) * 0.37)) })
  }

  /// A TimeRNN over T = 20000 steps whose port's `dx` is 1 off at step 5: the no-bptt-carry
  /// detector reruns every step (it took O(T²) while each step converted the whole array).
  @Test func aLongTimeRNNIsDiagnosedToTheEnd() throws {
    let t = 20_000
    let scratch = try Self.chain(
      "TimeRNN",
      params: [
        "Wx": Self.filled([1, 1], seed: 1), "Wh": Self.filled([1, 1], seed: 2), "b": Self.filled([1], seed: 3),
      ],
      input: Self.filled([1, t, 1], seed: 4), dout: Self.filled([1, t, 1], seed: 5))
    defer { scratch.remove() }
    let result = try Self.runAgainstChanged(scratch) { name, values in
      if name == "dx" { values[5] += 1 }
    }
    #expect(result.comparison?.isPass == false)
    let location = try #require(result.diagnosis?.locations.first { $0.array == "dx" })
    #expect(location.step == 5)
  }

  /// A TimeEmbedding over T = 20000 steps (V 2000, D 4) whose port's `dW` is 5 off on row 0:
  /// the embedding-overwrite detector works on the written rows only (it took O(N·T²)).
  @Test func aLongTimeEmbeddingIsDiagnosedToTheEnd() throws {
    let (t, v, d) = (20_000, 2000, 4)
    let ids = NDArray(shape: [1, t], scalars: (0..<t).map { Int64(($0 * 7919) % v) })
    let scratch = try Self.chain(
      "TimeEmbedding", params: ["W": Self.filled([v, d], seed: 1)], input: ids, dout: Self.filled([1, t, d], seed: 2))
    defer { scratch.remove() }
    let result = try Self.runAgainstChanged(scratch) { name, values in
      if name == "layer.dW" { for k in 0..<d { values[k] += 5 } }
    }
    #expect(result.comparison?.isPass == false)
    #expect(result.diagnosis?.diagnosis.isEmpty == true)
  }

  /// A port whose gradients are 1e20 and 1e-20 times tl-run's: `scaled` names the factors in
  /// %g (they are no Int), accumulated-grads sees no whole number; nothing traps.
  @Test(arguments: [(Float(1e20), "1e+20"), (Float(1e-20), "1e-20")])
  func aGradientFarOffInScaleIsNamedWithoutTrapping(_ factor: Float, _ shown: String) throws {
    let scratch = try Self.chain(
      "TimeAffine", params: ["W": Self.filled([3, 4], seed: 1), "b": Self.filled([4], seed: 2)],
      input: Self.filled([2, 5, 3], seed: 3), dout: Self.filled([2, 5, 4], seed: 4))
    defer { scratch.remove() }
    let result = try Self.runAgainstChanged(scratch) { name, values in
      if name == "layer.dW" || name == "layer.db" { values = values.map { $0 * factor } }
    }
    #expect(result.comparison?.isPass == false)
    let found = result.diagnosis?.diagnosis ?? []
    #expect(found.map(\.kind.rawValue) == ["scaled", "scaled"], "\(found.map(\.summary))")
    #expect(found.allSatisfy { $0.detail.contains("is \(shown) × tl-run's") }, "\(found.map(\.detail))")
  }
}
