import Foundation
import TLArray
import TLTestSupport
import Testing

/// One array the generator wrote, as `testdata/npy/manifest.json` and `npz/manifest.json`
/// describe it: NumPy's dtype name, shape, and flat C-order values as Python `repr` strings.
struct ExpectedArray: Decodable, Sendable, CustomTestStringConvertible {
  var file: String?
  var name: String?
  var dtype: String
  var shape: [Int]
  var values: [String]
  /// True when the file is byte for byte what `np.save` writes for this array on this machine.
  var npSaveNative: Bool?

  var testDescription: String { file ?? name ?? "?" }

  enum CodingKeys: String, CodingKey {
    case file, name, dtype, shape, values
    case npSaveNative = "np_save_native"
  }

  /// Checks dtype, shape and every value exactly (NaN matches NaN, −0.0 only −0.0).
  func check(_ array: NDArray, sourceLocation: SourceLocation = #_sourceLocation) {
    let label = testDescription
    #expect(array.dtype.rawValue == dtype, "\(label): dtype", sourceLocation: sourceLocation)
    #expect(array.shape == shape, "\(label): shape", sourceLocation: sourceLocation)
    guard array.count == values.count, let type = DType(rawValue: dtype) else {
      Issue.record(
        "\(label): \(array.count) elements, expected \(values.count)",
        sourceLocation: sourceLocation)
      return
    }
    for (i, text) in values.enumerated() where !Self.matches(array.castValue(atFlat: i), text, type) {
      Issue.record(
        "\(label)[\(i)] = \(array.castValue(atFlat: i)), expected \(text)",
        sourceLocation: sourceLocation)
      return
    }
  }

  static func matches(_ value: CastValue, _ text: String, _ dtype: DType) -> Bool {
    switch (dtype.kind, value) {
    case (.bool, .bool(let b)): return text == (b ? "True" : "False")
    case (.signed, .int(let i)): return Int64(text) == i
    case (.unsigned, .uint(let u)): return UInt64(text) == u
    case (.float, .float(let d)):
      guard let e = Double(text) else { return false }
      return (d.isNaN && e.isNaN) || (d == e && d.sign == e.sign)
    default: return false
    }
  }
}

/// An `.npz` and its members in archive order.
struct ExpectedArchive: Decodable, Sendable, CustomTestStringConvertible {
  var file: String
  var members: [ExpectedArray]
  var testDescription: String { file }
}

enum Manifest {
  static func load<T: Decodable>(_ relative: String, as: T.Type) -> T {
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(relative)))
      return try JSONDecoder().decode(T.self, from: data)
    } catch {
      preconditionFailure("cannot read \(relative): \(error); run testdata/gen_formats.py")
    }
  }

  static let npy: [ExpectedArray] = load("npy/manifest.json", as: [ExpectedArray].self)
  static let npz: [ExpectedArchive] = load("npz/manifest.json", as: [ExpectedArchive].self)
}
