import TLArray

/// A safetensors `dtype` string (`F32`, `BF16`, …): its element size, its place in the order
/// the safetensors package writes tensors in, and the NumPy dtype it reads as.
///
/// The table is the package's `Dtype` enum (safetensors 0.8.0, `safetensors/src/tensor.rs`),
/// in declaration order: the package writes tensors sorted by that order, descending ("by
/// alignment"), then by name. Every dtype the package knows is listed, so the sizes and offsets
/// of a file's every tensor are checked even where one is not read (`BF16`).
struct SafeTensorsDType: Sendable, Equatable {
  /// The header's spelling: `F32`.
  let name: String
  /// Bits per element (`F4` is 4: the package packs sub-byte types).
  let bits: Int
  /// The position in the package's `Dtype` enum; higher is written first.
  let rank: Int
  /// The NumPy dtype, or nil when NumPy has none (then ``refusal`` says why).
  let dtype: DType?

  /// Why a tensor of this dtype is not read, in one clause; nil when it is.
  var refusal: String? {
    guard dtype == nil else { return nil }
    if name == "C64" { return "C64 is complex; tl-run reads only bool, integer and float arrays" }
    return "\(name) has no NumPy dtype; convert it to F32 before saving (tensor.float())"
  }

  /// Every dtype of the package, in its enum order (`rank` is the index).
  static let all: [SafeTensorsDType] = {
    let table: [(String, Int, DType?)] = [
      ("BOOL", 8, .bool), ("F4", 4, nil), ("F6_E2M3", 6, nil), ("F6_E3M2", 6, nil),
      ("U8", 8, .uint8), ("I8", 8, .int8), ("F8_E5M2", 8, nil), ("F8_E4M3", 8, nil),
      ("F8_E8M0", 8, nil), ("F8_E4M3FNUZ", 8, nil), ("F8_E5M2FNUZ", 8, nil),
      ("I16", 16, .int16), ("U16", 16, .uint16), ("F16", 16, .float16), ("BF16", 16, nil),
      ("I32", 32, .int32), ("U32", 32, .uint32), ("F32", 32, .float32), ("C64", 64, nil),
      ("F64", 64, .float64), ("I64", 64, .int64), ("U64", 64, .uint64),
    ]
    return table.enumerated().map { rank, entry in
      SafeTensorsDType(name: entry.0, bits: entry.1, rank: rank, dtype: entry.2)
    }
  }()

  private static let byName: [String: SafeTensorsDType] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.name, $0) })

  /// The entry for a header's `dtype` string; nil for a string the package does not know.
  init?(named name: String) {
    guard let found = Self.byName[name] else { return nil }
    self = found
  }

  /// The entry a NumPy dtype is written as (every ``DType`` has one).
  init(for dtype: DType) {
    let name =
      switch dtype {
      case .bool: "BOOL"
      case .int8: "I8"
      case .int16: "I16"
      case .int32: "I32"
      case .int64: "I64"
      case .uint8: "U8"
      case .uint16: "U16"
      case .uint32: "U32"
      case .uint64: "U64"
      case .float16: "F16"
      case .float32: "F32"
      case .float64: "F64"
      }
    self.init(name: name, bits: dtype.itemSize * 8, rank: Self.rank(of: name), dtype: dtype)
  }

  private init(name: String, bits: Int, rank: Int, dtype: DType?) {
    self.name = name
    self.bits = bits
    self.rank = rank
    self.dtype = dtype
  }

  private static func rank(of name: String) -> Int {
    all.firstIndex { $0.name == name } ?? 0
  }
}
