import TLArray
import TLKernels

/// One dimension of an expected shape in an error message: a free letter (`N`) or a size.
enum Dim: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, CustomStringConvertible {
  case free(String)
  case size(Int)

  init(integerLiteral value: Int) { self = .size(value) }
  init(stringLiteral value: String) { self = .free(value) }

  var description: String {
    switch self {
    case .free(let letter): letter
    case .size(let n): String(n)
    }
  }

  func matches(_ n: Int) -> Bool {
    if case .size(let expected) = self { return n == expected }
    return true
  }
}

/// The checks every layer's `infer`, `forward` and `backward` share; each failure is a
/// ``LayerError`` naming the layer, the array and both shapes or dtypes.
struct LayerCheck: Sendable {
  var layer: String
  var type: String

  func error(_ message: String) -> LayerError { LayerError(layer: layer, type: type, message) }

  /// A shape the way the messages spell it: `(N,T,4)`, `(5,)`.
  static func spell(_ dims: [String]) -> String {
    dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ",") + ")"
  }

  /// Throws unless `shape` fits `pattern`: `expects x of shape (N,T,4), got (2,4,3)`.
  func shape(_ name: String, _ shape: [Int], _ pattern: [Dim]) throws {
    guard shape.count == pattern.count, zip(pattern, shape).allSatisfy({ $0.matches($1) }) else {
      throw error(
        "expects \(name) of shape \(Self.spell(pattern.map(\.description))), got \(Self.spell(shape.map(String.init)))"
      )
    }
  }

  /// Throws unless `shape` is `sizes`, sizes that another array fixed: the message names both
  /// arrays with their shapes, since either may be the wrong one:
  /// `b of shape (5,) does not fit W of shape (4,7): expects b of shape (M,) = (7,)`.
  func shape(
    _ name: String, _ shape: [Int], _ letters: [String], _ sizes: [Int], from other: String, _ otherShape: [Int]
  ) throws {
    guard shape != sizes else { return }
    throw error(
      "\(name) of shape \(Self.spell(shape.map(String.init))) does not fit \(other) of shape \(Self.spell(otherShape.map(String.init))): expects \(name) of shape \(Self.spell(letters)) = \(Self.spell(sizes.map(String.init)))"
    )
  }

  /// Throws unless `x` (of `pattern`'s rank, its last axis D) fits the weight whose first axis
  /// is D: a wrong rank blames `x` (`expects x of shape (N,T,4), got (3,4)`); a last axis other than the weight's first
  /// names both, as the recurrent layers do, since either may be the wrong one:
  /// `W of shape (5,3) does not fit x of shape (3,4,4): expects W of shape (D,M) = (4,3)`.
  func input(
    _ name: String, _ shape: [Int], _ pattern: [Dim], fits weight: String, _ weightShape: [Int],
    _ weightLetters: [String]
  ) throws {
    guard let rows = weightShape.first else { return }
    if shape.count != pattern.count { try self.shape(name, shape, Array(pattern.dropLast()) + [.size(rows)]) }
    guard let d = shape.last, d != rows else { return }
    let expected = [d] + weightShape.dropFirst()
    throw error(
      "\(weight) of shape \(Self.spell(weightShape.map(String.init))) does not fit \(name) of shape \(Self.spell(shape.map(String.init))): expects \(weight) of shape \(Self.spell(weightLetters)) = \(Self.spell(expected.map(String.init)))"
    )
  }

  /// Throws unless `dtype` is float32 or float64.
  func float(_ name: String, _ dtype: DType) throws {
    guard dtype.isLayerFloat else {
      throw error("expects \(name) of float32 or float64, got \(dtype)")
    }
  }

  /// Throws unless `dtype` is an integer dtype (what NumPy accepts as an index array).
  func integer(_ name: String, _ dtype: DType) throws {
    guard dtype.isInteger else { throw error("expects \(name) of an integer dtype, got \(dtype)") }
  }

  /// Throws unless promote(dtypes) is float32 or float64 (e.g. int32 one-hot · float32 W).
  func promotedFloat(_ what: String, _ dtypes: DType...) throws -> DType {
    let result = dtypes.dropFirst().reduce(dtypes[0]) { DType.promote($0, $1) }
    guard result.isLayerFloat else {
      throw error("computes \(what) in \(result), which is not float32 or float64")
    }
    return result
  }

  /// The param `name` from `config`, required.
  func param(_ config: LayerConfig, _ name: String) throws -> NDArray {
    guard let array = config.params[name] else { throw error("missing param \(name)") }
    return array
  }

  /// The extra input `name` from `config`, required.
  func input(_ config: LayerConfig, _ name: String) throws -> NDArray {
    guard let array = config.inputs[name] else { throw error("missing input \(name)") }
    return array
  }

  /// The value of a 0-d (or one-element) upstream gradient of a loss, used as a Python float.
  func scalarDout(_ dout: NDArray) throws -> Double {
    guard dout.count == 1 else {
      throw error("expects a scalar dout for the loss, got shape \(Shape.describe(dout.shape))")
    }
    return dout.double(atFlat: 0)
  }

  /// The signature an `infer` given an input always returns.
  func required(_ signature: ArraySignature?) throws -> ArraySignature {
    guard let signature else {
      preconditionFailure("\(type) infer with an input returns a signature")
    }
    return signature
  }
}
