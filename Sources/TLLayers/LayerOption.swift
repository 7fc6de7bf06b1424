import TLArray

/// A setting a layer type declares for itself (Dropout's `ratio`): a key of its pipeline entry
/// beside `params`, `inputs` and `state`, which the pipeline decodes by the declared ``Kind``
/// and the layer reads from ``LayerConfig/options`` by name. Adding one touches only the
/// layer's file: declare it, list it in the kind's `options`, read it in `infer` and `make`.
public struct LayerOption: Sendable {
  /// The JSON value an option takes.
  public enum Kind: Sendable {
    /// A finite number.
    case number
    /// `true` or `false`.
    case bool
    /// An integer in `range`; `note` ends the message for anything else (`as np.random.seed
    /// takes`).
    case integer(ClosedRange<Int64>, note: String)
    /// An array source, written like a param's.
    case array
    /// A string among `choices` (TimeLSTM's `layout`: `pytorch`, `keras`).
    case choice([String])
  }

  /// The key, as the book names the argument: `ratio`.
  public var name: String
  public var kind: Kind
  /// The value when the option is not given; nil for an option that may be absent (an array).
  public var defaultValue: LayerOptionValue?
  /// One line for readers: what it does and why the default.
  public var doc: String
  /// The message for a value the layer refuses (`must be in [0, 1), got 1.5`), or nil. Only
  /// for values written in the pipeline; arrays are checked by the layer's `infer`.
  public var validate: @Sendable (LayerOptionValue) -> String?

  public init(
    _ name: String, _ kind: Kind, default defaultValue: LayerOptionValue? = nil, doc: String,
    validate: @escaping @Sendable (LayerOptionValue) -> String? = { _ in nil }
  ) {
    (self.name, self.kind, self.defaultValue, self.doc) = (name, kind, defaultValue, doc)
    self.validate = validate
  }
}

/// The value of one option.
public enum LayerOptionValue: Sendable {
  case number(Double)
  case bool(Bool)
  case integer(Int64)
  case array(NDArray)
  case string(String)
}

/// The options given to one layer, by name. A layer reads them through the ``LayerOption``s it
/// declared, which supply the defaults; asking for a value of another kind than declared is a
/// programmer error and traps.
public struct LayerOptions: Sendable, ExpressibleByDictionaryLiteral {
  public var values: [String: LayerOptionValue]

  public init(_ values: [String: LayerOptionValue] = [:]) { self.values = values }
  public init(dictionaryLiteral elements: (String, LayerOptionValue)...) {
    self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }

  public subscript(name: String) -> LayerOptionValue? {
    get { values[name] }
    set { values[name] = newValue }
  }

  /// The value given for `option`, else its default.
  public func value(_ option: LayerOption) -> LayerOptionValue? { values[option.name] ?? option.defaultValue }

  public func number(_ option: LayerOption) -> Double {
    guard case .number(let number)? = value(option) else { mismatch(option, "a number") }
    return number
  }

  public func bool(_ option: LayerOption) -> Bool {
    guard case .bool(let flag)? = value(option) else { mismatch(option, "true or false") }
    return flag
  }

  public func integer(_ option: LayerOption) -> Int64 {
    guard case .integer(let integer)? = value(option) else { mismatch(option, "an integer") }
    return integer
  }

  /// The string given for `option` (a ``LayerOption/Kind/choice(_:)``), or nil when there is
  /// none and no default.
  public func string(_ option: LayerOption) -> String? {
    switch value(option) {
    case nil: return nil
    case .string(let string)?: return string
    default: mismatch(option, "a string")
    }
  }

  /// The array given for `option`, or nil when there is none.
  public func array(_ option: LayerOption) -> NDArray? {
    switch value(option) {
    case nil: return nil
    case .array(let array)?: return array
    default: mismatch(option, "an array")
    }
  }

  private func mismatch(_ option: LayerOption, _ expected: String) -> Never {
    preconditionFailure("option \(option.name) is \(expected), got \(String(describing: value(option)))")
  }
}
