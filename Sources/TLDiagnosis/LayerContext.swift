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
  /// Whether the input is the port's own (`LAYER.out` of the layer before, or the chain's
  /// input) rather than tl-run's.
  var portInput = true
  /// Whether the upstream gradient is the port's own (`LAYER.dx` of the layer after, or the
  /// chain's `dout`) rather than tl-run's.
  var portUpstream = true
  /// Where the upstream gradient is tl-run's: the layers after this one and the chain's
  /// `dout`, so a variant is judged as the port's chain would run it (the variant's output
  /// through the book's later layers and back) rather than on tl-run's upstream gradient.
  var downstream: (layers: [ChainLayer], dout: NDArray)?

  var typeName: String { layer.kind.typeName }

  /// The layer rerun with a variant configuration, input or upstream gradient; nil when the
  /// variant cannot run (its shapes do not fit the layer) or the layer is beyond
  /// ``Diagnoser/rerunLimit``.
  func rerun(config: LayerConfig? = nil, input: NDArray? = nil, upstream: NDArray? = nil) -> [String: NDArray]? {
    guard mayRerun else { return nil }
    if upstream == nil, let downstream {
      return try? LayerRun.run(
        layer, config: config, input: input ?? self.input, through: downstream.layers, dout: downstream.dout)
    }
    return try? LayerRun.run(layer, config: config, input: input ?? self.input, upstream: upstream ?? self.upstream)
  }

  /// Whether the layer is small enough for the detectors that rerun it (up to 23 times for a
  /// gate order): its input, upstream gradient and params (and, where variants run through the
  /// rest of the chain, the later layers' params and `dout`) hold at most
  /// ``Diagnoser/rerunLimit`` elements together.
  var mayRerun: Bool {
    let later = (downstream?.layers ?? []).reduce(downstream?.dout.count ?? 0) { total, next in
      total + next.config.params.values.reduce(0) { $0 + $1.count }
    }
    return input.count + upstream.count + layer.config.params.values.reduce(0) { $0 + $1.count } + later
      <= Diagnoser.rerunLimit
  }

  /// Whether `variant` explains the port's arrays (``Evidence``): every array the port holds
  /// for this layer that the variant gives fits it, and at least one failing array is
  /// explained by it (the variant changes it clearly and fits it far better than tl-run's
  /// result does). Returns the failing names it explains and the largest difference left on
  /// the first of them.
  func explains(_ variant: [String: NDArray]) -> (keys: [String], maxDiff: Double)? {
    var explained: [String: Double] = [:]
    for (key, expected) in port {
      guard let candidate = variant[key], let tolerance = tolerances[key], let result = ours[key] else { continue }
      guard candidate.shape == expected.shape else { return nil }
      let judged = Evidence.judge(
        candidate: DoubleArray.values(candidate), ours: DoubleArray.values(result),
        port: DoubleArray.values(expected), tolerance: tolerance)
      guard judged.fits else { return nil }
      if judged.explains, failing.contains(key) { explained[key] = judged.maxDiff }
    }
    let keys = failing.filter { explained[$0] != nil }
    guard let first = keys.first, let worst = explained[first] else { return nil }
    return (keys, worst)
  }

  /// Whether tl-run's array `key` transformed (`candidate`) explains the port's (``Evidence``);
  /// the largest difference left.
  func matches(_ key: String, _ candidate: [Double]) -> Double? {
    guard let expected = port[key], let tolerance = tolerances[key], let result = ours[key] else { return nil }
    let judged = Evidence.judge(
      candidate: candidate, ours: DoubleArray.values(result), port: DoubleArray.values(expected),
      tolerance: tolerance)
    return judged.explains ? judged.maxDiff : nil
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
