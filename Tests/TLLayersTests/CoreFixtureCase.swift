import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

@testable import TLLayers

/// One case written by testdata/gen_layers_core.py: the inputs of a book layer and what NumPy
/// computed from them (testdata/layers/<name>/).
struct CoreFixtureCase {
  /// meta.json: the book class and its dropout options.
  struct Meta: Decodable {
    var type: String
    var ratio: Double?
    var train: Bool?
    var seed: UInt32?
  }

  let name: String
  let meta: Meta
  let directory: String

  init(_ name: String) throws {
    self.name = name
    directory = Fixtures.path("layers/\(name)")
    let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/meta.json"))
    meta = try JSONDecoder().decode(Meta.self, from: data)
  }

  /// The array `name.npy` of this case, or nil when the case has none.
  func array(_ file: String) throws -> NDArray? {
    let path = directory + "/\(file).npy"
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try NPY.read(path: path)
  }

  /// The array `name.npy`, which must exist.
  func required(_ file: String) throws -> NDArray {
    try #require(try array(file), "\(name) has no \(file).npy")
  }

  /// The kind the case's type names in the registry.
  func kind() throws -> LayerKind {
    try #require(LayerRegistry.kind(named: meta.type), "no layer kind \(meta.type)")
  }

  /// The pipeline's view of this case: params, ts, the given mask and the dropout options.
  func config() throws -> LayerConfig {
    var config = LayerConfig(name: name)
    for param in try kind().paramNames { config.params[param] = try required(param) }
    if let ts = try array("ts") { config.inputs["ts"] = ts }
    config.options["ratio"] = meta.ratio.map { .number($0) }
    config.options["train"] = meta.train.map { .bool($0) }
    config.options["mask"] = try array("mask_in").map { .array($0) }
    return config
  }

  /// The layer as the pipeline builds it; seeded dropout cases are built with their seed.
  func makeLayer() throws -> any Layer {
    let config = try config()
    switch (meta.type, meta.seed) {
    case ("Dropout", let seed?):
      return Dropout(ratio: meta.ratio ?? 0.5, train: meta.train ?? true, seed: seed, name: name)
    case ("TimeDropout", let seed?):
      return TimeDropout(
        ratio: meta.ratio ?? 0.5, train: meta.train ?? true, seed: seed, name: name)
    default:
      return try kind().make(config)
    }
  }

  /// Whether any float input of the case is float32: then the case is held to float32
  /// tolerances even where NumPy's result is float64 (e.g. the float64 loss of a float32 sum).
  func usesFloat32() throws -> Bool {
    var files = ["x", "dout", "mask_in"]
    files += try kind().paramNames
    return try files.contains { try array($0)?.dtype == .float32 }
  }
}
