import TLArray

/// Some of a ``Tolerance``'s fields, set by one source (the command line, the pipeline file, one
/// array's entry); a field left nil falls through to the next, less specific source.
public struct ToleranceOverride: Sendable, Hashable {
  public var rtol: Double?
  public var atol: Double?
  public var equalNaN: Bool?
  public var checkDType: Bool?

  public init(rtol: Double? = nil, atol: Double? = nil, equalNaN: Bool? = nil, checkDType: Bool? = nil) {
    self.rtol = rtol
    self.atol = atol
    self.equalNaN = equalNaN
    self.checkDType = checkDType
  }

  /// Sets nothing.
  public static let none = ToleranceOverride()
}

/// Resolves each array's tolerance, field by field, the most specific source winning:
/// the command line (`--rtol`, `--atol`), then the file's `tolerance.arrays[name]`, then the
/// file's `tolerance` (`rtol`, `atol`, `equal_nan`, `check_dtype`), then the default.
///
/// The default of a float array is ``Tolerance/derived(precision:scale:)``: the precision of
/// the computation behind it (``precisions`` by name, else ``precision``, else
/// ``Precision/nominal(_:)`` of the reference's dtype, coarsened to the output's dtype when
/// that is less precise) and the reference's largest finite magnitude. Integers and bool are
/// exact by default. Overrides apply to every dtype, integers included: a file that sets
/// `atol: 0.5` accepts labels that differ by less than that, as `numpy.isclose` would.
public struct TolerancePolicy: Sendable, Hashable {
  /// `--rtol` / `--atol` from the command line.
  public var commandLine: ToleranceOverride
  /// `tolerance.arrays` of the pipeline file, by array name (`embed.dW`).
  public var arrays: [String: ToleranceOverride]
  /// `tolerance.rtol`, `tolerance.atol`, `tolerance.equal_nan` of the pipeline file.
  public var file: ToleranceOverride
  /// The computation behind every output of a run; nil where it is unknown (`compare`).
  public var precision: Precision?
  /// The computation behind particular outputs, by name, where it differs from ``precision``.
  public var precisions: [String: Precision]

  public init(
    commandLine: ToleranceOverride = .none, arrays: [String: ToleranceOverride] = [:],
    file: ToleranceOverride = .none, precision: Precision? = nil, precisions: [String: Precision] = [:]
  ) {
    self.commandLine = commandLine
    self.arrays = arrays
    self.file = file
    self.precision = precision
    self.precisions = precisions
  }

  /// Only the defaults, for a computation that is not known.
  public static let defaults = TolerancePolicy()

  /// The tolerance for the array `name`, its reference `expected` and the output's dtype.
  public func tolerance(for name: String, expected: NDArray, actualDType: DType? = nil) -> Tolerance {
    let sources = [("--", commandLine), ("tolerance.arrays.\(name).", arrays[name] ?? .none), ("tolerance.", file)]
    let rtol = sources.lazy.compactMap { prefix, entry in entry.rtol.map { ($0, prefix + "rtol") } }.first
    let atol = sources.lazy.compactMap { prefix, entry in entry.atol.map { ($0, prefix + "atol") } }.first
    var base = Tolerance.exact
    if rtol == nil || atol == nil, let scale = finiteScale(expected) {
      base = .derived(precision: precision(for: name, expected: expected.dtype, actual: actualDType), scale: scale)
    }
    var basis = base.basis ?? "default: exact"
    let set = [rtol, atol].compactMap { $0.map { "\($0.1) \($0.0)" } }
    if !set.isEmpty { basis = set.joined(separator: ", ") + (rtol != nil && atol != nil ? "" : "; " + basis) }
    return Tolerance(
      rtol: rtol?.0 ?? base.rtol, atol: atol?.0 ?? base.atol,
      equalNaN: sources.lazy.compactMap(\.1.equalNaN).first ?? base.equalNaN,
      checkDType: sources.lazy.compactMap(\.1.checkDType).first ?? base.checkDType, basis: basis)
  }

  /// The arithmetic behind `name`: the run's, else the nominal one of the reference's dtype,
  /// made coarser by an output dtype less precise than either.
  func precision(for name: String, expected: DType, actual: DType?) -> Precision {
    var result = precisions[name] ?? precision ?? .nominal(expected)
    for dtype in [expected, actual].compactMap({ $0 }) where dtype.isFloatingPoint {
      result = .coarser(result, Precision(dtype: dtype, terms: result.terms))
    }
    return result
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
