import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

@testable import TLLayers

/// One case under testdata/layers/<name>/, written by gen_layers_core.py or
/// gen_layers_recurrent.py from the book's own classes: `meta.json` names the book class, and
/// every other file is an array under the book's name.
///
/// The files of a layer case: the chain input `x` (or `xs` for the time layers), each param
/// under its name (`W`, `Wx`, …), each extra input (`ts`, `hs_enc`), an initial state as
/// `h0`/`c0`, a given dropout mask as `mask_in`, the upstream gradient `dout`; and what NumPy
/// computed: `out`, `dx` (absent where the input is integer ids), `d` + each param, and each
/// extra output under its name (`mask`, `h`, `c`, `dh`, `dhs_enc`).
final class LayerFixture {
  /// meta.json.
  struct Meta: Decodable {
    /// The book class: a ``LayerRegistry`` type name, or a building block (``LayerFixtureTests``).
    var type: String
    /// The atol of float32 results when 1e-6 is too tight (long chains of time steps).
    var float32Atol: Double?
    /// Whether every result is held to the precision of the least precise float input (x,
    /// dout, mask_in, params): the feed-forward layers do a float32 input's work in float32
    /// even where NumPy's result is float64. Otherwise each result is held to its own dtype's.
    var precisionOfInputs: Bool?

    enum CodingKeys: String, CodingKey {
      case type
      case float32Atol = "float32_atol"
      case precisionOfInputs = "precision_of_inputs"
    }
  }

  /// A value of meta.json, for the options a layer declares (`ratio`, `train`, `seed`).
  enum MetaValue: Decodable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case other

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let flag = try? container.decode(Bool.self) {
        self = .bool(flag)
      } else if let number = try? container.decode(Double.self) {
        self = .number(number)
      } else if let string = try? container.decode(String.self) {
        self = .string(string)
      } else {
        self = .other
      }
    }
  }

  let name: String
  let meta: Meta
  /// Every key of meta.json, for the layer's declared options.
  let metaValues: [String: MetaValue]
  private let directory: String
  /// The arrays read so far; ``unusedFiles`` is every other array file.
  private(set) var used: Set<String> = []

  init(_ name: String) throws {
    self.name = name
    directory = Fixtures.path("layers/\(name)")
    let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/meta.json"))
    meta = try JSONDecoder().decode(Meta.self, from: data)
    metaValues = try JSONDecoder().decode([String: MetaValue].self, from: data)
  }

  /// Every case directory, sorted.
  static func all() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("layers"))
      .filter { !$0.hasPrefix(".") }.sorted()
  }

  /// The case directories of the registered layer types among `types`, sorted.
  static func all(ofTypes types: Set<String>) throws -> [String] {
    try all().filter { name in
      (try? LayerFixture(name)).map { types.contains($0.meta.type) && LayerRegistry.kind(named: $0.meta.type) != nil }
        ?? false
    }
  }

  /// The array `file`.npy, or nil when the case has none.
  func array(_ file: String) throws -> NDArray? {
    let path = directory + "/\(file).npy"
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    used.insert(file)
    return try NPY.read(path: path)
  }

  /// The array `file`.npy, which must exist.
  func required(_ file: String) throws -> NDArray {
    try #require(try array(file), "\(name) has no \(file).npy")
  }

  /// The array files of the case not read yet.
  func unusedFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".npy") }
      .map { String($0.dropLast(4)) }.filter { !used.contains($0) }.sorted()
  }

  /// The kind the case's type names in the registry.
  func kind() throws -> LayerKind {
    try #require(LayerRegistry.kind(named: meta.type), "\(name): no layer kind \(meta.type)")
  }

  /// The chain input: `x`, or `xs` for the time layers (exactly one of them).
  func chainInput() throws -> NDArray {
    let x = try array("x")
    let xs = try array("xs")
    #expect(x == nil || xs == nil, "\(name) has both x.npy and xs.npy")
    return try #require(x ?? xs, "\(name) has neither x.npy nor xs.npy")
  }

  /// What the pipeline would hand the layer, found by what its kind declares: each param and
  /// extra input under its name, each initial state as `<state>0`, each option the case gives:
  /// a value in meta.json under the option's name, an array as `<option>_in` (Dropout's
  /// `mask_in`; `mask` is the layer's own output). A new layer needs nothing here.
  func config() throws -> LayerConfig {
    let kind = try kind()
    var config = LayerConfig(name: name)
    for option in kind.options {
      config.options[option.name] = try optionValue(option)
    }
    for param in kind.paramNames(for: config.options) { config.params[param] = try required(param) }
    for input in kind.inputNames { config.inputs[input] = try required(input) }
    for state in kind.stateNames { config.state[state] = try array(state + "0") }
    return config
  }

  /// The value the case gives for `option`, or nil (the option's default applies).
  private func optionValue(_ option: LayerOption) throws -> LayerOptionValue? {
    let value = metaValues[option.name]
    switch (option.kind, value) {
    case (.array, _): return try array(option.name + "_in").map { .array($0) }
    case (_, nil): return nil
    case (.number, .number(let number)?): return .number(number)
    case (.bool, .bool(let flag)?): return .bool(flag)
    case (.choice(let choices), .string(let string)?) where choices.contains(string): return .string(string)
    case (.integer, .number(let number)?):
      if let integer = Int64(exactly: number) { return .integer(integer) }
    default: break
    }
    Issue.record("\(name): meta.json's \(option.name) is not the option's kind (\(option.kind))")
    return nil
  }

  /// Compares `actual` with `file`.npy in dtype, shape and values, and prints the largest
  /// difference (llm.c's `TENSOR OK, maxdiff`).
  ///
  /// Tolerances (docs/layers.md §10): rtol 1e-10 / atol 1e-12 where NumPy's result is float64 and
  /// the computation was (`computedIn`), else rtol 1e-5 and atol 1e-6 (or meta's
  /// `float32_atol`). `computedIn` is the least precise float dtype that entered: a float64
  /// state carried through float32 weights has float32's precision, and its last bits follow
  /// the machine's sgemm kernel.
  func expectMatches(
    _ actual: NDArray?, _ file: String, computedIn: DType = .float64,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected = try required(file)
    guard let actual else {
      Issue.record("\(name): no \(file) produced", sourceLocation: sourceLocation)
      return
    }
    let float64 = expected.dtype == .float64 && computedIn == .float64
    let (rtol, atol) = float64 ? (1e-10, 1e-12) : (1e-5, meta.float32Atol ?? 1e-6)
    expectAllClose(actual, expected, rtol: rtol, atol: atol, "\(name) \(file)", sourceLocation: sourceLocation)
    if actual.count == expected.count {
      print("maxdiff \(name) \(file) \(expected.dtype) \(maxAbsDifference(actual, expected))")
    }
  }

  /// `.float32` when any of `arrays` is float32, else `.float64`.
  static func leastPrecise(_ arrays: [NDArray]) -> DType {
    arrays.contains { $0.dtype == .float32 } ? .float32 : .float64
  }

  /// `file` of case `name`, for tests that take a fixture's arrays as their inputs.
  static func load(_ name: String, _ file: String) throws -> NDArray {
    try LayerFixture(name).required(file)
  }

  /// `file` of case `name`, or nil when the case has none.
  static func optional(_ name: String, _ file: String) throws -> NDArray? {
    try LayerFixture(name).array(file)
  }
}
