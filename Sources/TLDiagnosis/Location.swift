import TLArray
import TLCompare

/// Where in time and in the gates an array fails (docs/pipeline.md §7): the first time step
/// whose slice fails, for an array of a Time layer with a time axis (`out`, `dx`, `mask`,
/// `dhs_enc`: (N, T, …)); and the gate blocks that fail, by the book's letters, for an LSTM's
/// or GRU's param gradient (`dWx` (D, G·H), `dWh` (H, G·H), `db` (G·H,); G = 4 `[f, g, i, o]`,
/// 3 `[z, r, h]`).
public struct Location: Codable, Sendable, Equatable {
  /// The result name (`lstm.dWx`).
  public var array: String
  /// The first time step with a failing element, 0-based.
  public var step: Int?
  /// The failing gate blocks, in the book's order.
  public var gates: [String]?

  /// Whether a local result name has the time axis second: (N, T, …).
  static func hasTimeAxis(_ key: String) -> Bool { ["out", "dx", "mask", "dhs_enc"].contains(key) }

  /// The location of one failing array of `context`'s layer, judged between `ours` and the
  /// port's; nil when it has neither a time axis nor gate blocks, or its shapes differ.
  static func find(_ key: String, in context: LayerContext) -> Location? {
    guard let ours = context.ours[key], let port = context.port[key], ours.shape == port.shape,
      let tolerance = context.tolerances[key]
    else { return nil }
    let failing = DoubleArray.failing(DoubleArray.values(ours), DoubleArray.values(port), tolerance)
    var location = Location(array: context.name(key))
    if context.isTimeLayer, hasTimeAxis(key), ours.rank >= 2 {
      let (n, steps) = (ours.shape[0], ours.shape[1])
      let inner = ours.count / max(n * steps, 1)
      location.step = failing.indices.first { failing[$0] }.map { _ in
        (0..<steps).first { t in
          (0..<n).contains { i in failing[(i * steps + t) * inner..<(i * steps + t + 1) * inner].contains(true) }
        } ?? 0
      }
    }
    let paramSuffixes = ["dWx", "dWh", "db", "dWx1", "dWh1", "db1", "dWx2", "dWh2", "db2"]
    if let letters = context.gateLetters, paramSuffixes.contains(key), let last = ours.shape.last,
      last % letters.count == 0
    {
      let width = last / letters.count
      let blocks = letters.indices.filter { block in
        failing.indices.contains { failing[$0] && ($0 % last) / width == block }
      }
      location.gates = blocks.map { letters[$0] }
    }
    return location.step == nil && location.gates == nil ? nil : location
  }
}
