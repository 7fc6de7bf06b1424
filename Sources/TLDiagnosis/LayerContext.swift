import Foundation
import TLArray
import TLCompare
import TLLayers

/// One layer as the detectors see it: the input and upstream gradient it was judged on (the
/// port's own where the reference holds them, else tl-run's), tl-run's results on them
/// (`ours`), the port's (`port`), by local name (`out`, `dx`, `dWx`, `h`, …), each array's
/// tolerance and the names that fail.
struct LayerContext {
  var index: Int
  var layer: ChainLayer
  var input: NDArray
  var upstream: NDArray
  var ours: [String: NDArray]
  var port: [String: NDArray]
  var tolerances: [String: Tolerance]
  /// Local names whose values (or shapes) differ, in the order the run writes results.
  var failing: [String]
  /// Local name → the result name reported (`out` or `lstm.out`, `lstm.dWx`).
  var names: [String: String]
  /// Local name → every result name of the port that holds it (`out` and `lstm.out`).
  var aliases: [String: [String]] = [:]

  var typeName: String { layer.kind.typeName }

  /// The layer rerun with a variant configuration, input or upstream gradient; nil when the
  /// variant cannot run (its shapes do not fit the layer) or the layer is beyond
  /// ``Diagnoser/rerunLimit``.
  func rerun(config: LayerConfig? = nil, input: NDArray? = nil, upstream: NDArray? = nil) -> [String: NDArray]? {
    guard mayRerun else { return nil }
    return try? LayerRun.run(layer, config: config, input: input ?? self.input, upstream: upstream ?? self.upstream)
  }

  /// Whether the layer is small enough for the detectors that rerun it (up to 23 times for a
  /// gate order): its input, upstream gradient and params hold at most ``Diagnoser/rerunLimit``
  /// elements together.
  var mayRerun: Bool {
    input.count + upstream.count + layer.config.params.values.reduce(0) { $0 + $1.count } <= Diagnoser.rerunLimit
  }

  /// Whether `variant` explains the port's arrays: every array the port holds for this layer
  /// that the variant gives fits it, and at least one of them failed. Returns the failing
  /// names it explains and the largest difference left on the first of them.
  func explains(_ variant: [String: NDArray]) -> (keys: [String], maxDiff: Double)? {
    var worst: Double?
    for (key, expected) in port {
      guard let candidate = variant[key], let tolerance = tolerances[key] else { continue }
      guard candidate.shape == expected.shape else { return nil }
      let fit = DoubleArray.fit(DoubleArray.values(candidate), DoubleArray.values(expected), tolerance)
      guard fit.fits else { return nil }
      if key == failing.first(where: { variant[$0] != nil }) { worst = fit.maxDiff }
    }
    let keys = failing.filter { variant[$0] != nil }
    guard let worst, !keys.isEmpty else { return nil }
    return (keys, worst)
  }

  /// Whether the port's array `key` is tl-run's transformed by `transform`, within its
  /// tolerance; the largest difference left.
  func matches(_ key: String, _ candidate: [Double]) -> Double? {
    guard let expected = port[key], let tolerance = tolerances[key] else { return nil }
    let fit = DoubleArray.fit(candidate, DoubleArray.values(expected), tolerance)
    return fit.fits ? fit.maxDiff : nil
  }

  /// The name reported for a local name.
  func name(_ key: String) -> String { names[key] ?? "\(layer.name).\(key)" }

  /// Whether the layer's arrays have a time axis (N, T, …): the book's Time* layers.
  var isTimeLayer: Bool { typeName.hasPrefix("Time") }

  /// The gate letters of an LSTM or GRU with the book's layout, in the book's block order.
  var gateLetters: [String]? {
    guard layer.config.options["layout"] == nil else { return nil }
    switch typeName {
    case "TimeLSTM", "TimeBiLSTM": return ["f", "g", "i", "o"]
    case "TimeGRU": return ["z", "r", "h"]
    default: return nil
    }
  }
}

/// A difference or factor in two significant digits as `%g` prints it: `3e-16`, `0.5`.
func shortNumber(_ value: Double) -> String { String(format: "%.2g", value) }
