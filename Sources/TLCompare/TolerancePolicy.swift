import TLArray

/// Some of a ``Tolerance``'s fields, set by one source (the command line, the pipeline file, one
/// array's entry); a field left nil falls through to the next, less specific source.
public struct ToleranceOverride: Sendable, Hashable {
  public var rtol: Double?
  public var atol: Double?
  public var equalNaN: Bool?

  public init(rtol: Double? = nil, atol: Double? = nil, equalNaN: Bool? = nil) {
    self.rtol = rtol
    self.atol = atol
    self.equalNaN = equalNaN
  }

  /// Sets nothing.
  public static let none = ToleranceOverride()
}

/// Resolves each array's tolerance, field by field, the most specific source winning:
/// the command line (`--rtol`, `--atol`), then the file's `tolerance.arrays[name]`, then the
/// file's `tolerance` (`rtol`, `atol`, `equal_nan`), then ``Tolerance/default(for:)`` of the
/// reference's dtype.
///
/// Overrides apply to every dtype, integers included: a file that sets `atol: 0.5` accepts
/// labels that differ by less than that, as `numpy.isclose` would.
public struct TolerancePolicy: Sendable, Hashable {
  /// `--rtol` / `--atol` from the command line.
  public var commandLine: ToleranceOverride
  /// `tolerance.arrays` of the pipeline file, by array name (`embed.dW`).
  public var arrays: [String: ToleranceOverride]
  /// `tolerance.rtol`, `tolerance.atol`, `tolerance.equal_nan` of the pipeline file.
  public var file: ToleranceOverride

  public init(
    commandLine: ToleranceOverride = .none, arrays: [String: ToleranceOverride] = [:],
    file: ToleranceOverride = .none
  ) {
    self.commandLine = commandLine
    self.arrays = arrays
    self.file = file
  }

  /// Only the dtype defaults.
  public static let defaults = TolerancePolicy()

  /// The tolerance for the array `name` whose reference has `dtype`.
  public func tolerance(for name: String, dtype: DType) -> Tolerance {
    let base = Tolerance.default(for: dtype)
    let sources = [commandLine, arrays[name] ?? .none, file]
    return Tolerance(
      rtol: sources.lazy.compactMap(\.rtol).first ?? base.rtol,
      atol: sources.lazy.compactMap(\.atol).first ?? base.atol,
      equalNaN: sources.lazy.compactMap(\.equalNaN).first ?? base.equalNaN)
  }

  /// Throws for a negative, NaN or infinite rtol or atol, naming where it was set.
  public func validate() throws(ToleranceError) {
    var entries: [(String, ToleranceOverride)] = [("--", commandLine), ("tolerance.", file)]
    entries += arrays.sorted { $0.key < $1.key }.map { ("tolerance.arrays.\($0.key).", $0.value) }
    for (prefix, entry) in entries {
      for (field, value) in [("rtol", entry.rtol), ("atol", entry.atol)] {
        if let value, !(value.isFinite && value >= 0) {
          throw ToleranceError(setting: prefix + field, value: value)
        }
      }
    }
  }
}

/// A tolerance that cannot be used: negative, NaN or infinite.
public struct ToleranceError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Where it was set: `--rtol`, `tolerance.atol`, `tolerance.arrays.embed.dW.atol`.
  public var setting: String
  public var value: Double

  public var description: String {
    "\(setting) must be a finite number ≥ 0, got \(value)"
  }
}
