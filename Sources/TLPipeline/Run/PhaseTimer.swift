import TLSystem

/// Wall time of each phase of a run (`--timings`): loading, each layer's forward and backward,
/// writing, comparing. Seconds, in the order the phases ran.
public struct PhaseTimer: Sendable {
  public private(set) var phases: [(name: String, seconds: Double)] = []
  private let clock = ContinuousClock()

  public init() {}

  /// Runs `body` and records how long it took under `name`.
  public mutating func measure<R, E: Error>(_ name: String, _ body: () throws(E) -> R) throws(E) -> R {
    let start = clock.now
    defer { phases.append((name, (clock.now - start).seconds)) }
    return try body()
  }

  /// Now, for ``record(_:since:)``: timing a phase whose body cannot be a closure (one that
  /// hands over a value with `consume`).
  public func start() -> ContinuousClock.Instant { clock.now }

  /// Records the time since `start` under `name`.
  public mutating func record(_ name: String, since start: ContinuousClock.Instant) {
    phases.append((name, (clock.now - start).seconds))
  }

  /// One line per phase, `  12.3 ms  affine backward`, and the total.
  public var report: String {
    let total = phases.reduce(0) { $0 + $1.seconds }
    return (phases + [("total", total)]).map { name, seconds in
      let ms = (seconds * 1000 * 10).rounded() / 10
      return "\(String(repeating: " ", count: max(0, 9 - "\(ms)".count)))\(ms) ms  \(name)"
    }.joined(separator: "\n")
  }
}
