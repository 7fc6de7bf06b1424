import CHDF5
import TLArray

/// How HDF5 datatypes map to dtypes, both ways.
///
/// A dataset is read in the native memory type of the same class, size and sign as its file
/// type, so the library only ever swaps bytes and never converts lossily (int64 → int32 would
/// clamp silently). Everything else is refused by name.
enum HDF5TypeMap {
  /// What a file datatype holds.
  enum Classification: Equatable {
    case numeric(DType, bigEndian: Bool)
    /// Not a numeric array; the associated text names the type (`variable-length string`).
    case refused(String)

    var dtype: DType? {
      if case .numeric(let dtype, _) = self { dtype } else { nil }
    }

    /// `float64`, `float64 (big-endian)`, or the refused type's name.
    var description: String {
      switch self {
      case .numeric(let dtype, let bigEndian): bigEndian ? "\(dtype) (big-endian)" : "\(dtype)"
      case .refused(let name): name
      }
    }
  }

  /// Integer dtypes by (size in bytes, signed).
  private struct IntegerKey: Hashable {
    let size: Int
    let signed: Bool
  }
  private static let integers: [IntegerKey: DType] = [
    IntegerKey(size: 1, signed: true): .int8, IntegerKey(size: 2, signed: true): .int16,
    IntegerKey(size: 4, signed: true): .int32, IntegerKey(size: 8, signed: true): .int64,
    IntegerKey(size: 1, signed: false): .uint8, IntegerKey(size: 2, signed: false): .uint16,
    IntegerKey(size: 4, signed: false): .uint32, IntegerKey(size: 8, signed: false): .uint64,
  ]

  /// The bit layout of an IEEE 754 binary float: sign, exponent and mantissa positions.
  private struct FloatLayout: Equatable {
    let signPosition, exponentPosition, exponentSize, mantissaPosition, mantissaSize, bias: Int
  }
  /// IEEE half, single and double precision by size in bytes.
  private static let floats: [Int: (layout: FloatLayout, dtype: DType)] = [
    2: (
      FloatLayout(
        signPosition: 15, exponentPosition: 10, exponentSize: 5, mantissaPosition: 0,
        mantissaSize: 10, bias: 15), .float16
    ),
    4: (
      FloatLayout(
        signPosition: 31, exponentPosition: 23, exponentSize: 8, mantissaPosition: 0,
        mantissaSize: 23, bias: 127), .float32
    ),
    8: (
      FloatLayout(
        signPosition: 63, exponentPosition: 52, exponentSize: 11, mantissaPosition: 0,
        mantissaSize: 52, bias: 1023), .float64
    ),
  ]

  /// Names of the datatype classes that never hold a numeric array, by `H5T_class_t` value.
  private static let refusedClasses: [UInt32: String] = [
    UInt32(H5T_TIME.rawValue): "time", UInt32(H5T_BITFIELD.rawValue): "bitfield",
    UInt32(H5T_OPAQUE.rawValue): "opaque", UInt32(H5T_COMPOUND.rawValue): "compound",
    UInt32(H5T_REFERENCE.rawValue): "reference",
    UInt32(H5T_VLEN.rawValue): "variable-length sequence",
    UInt32(H5T_ARRAY.rawValue): "array",
  ]

  /// What the file datatype `type` holds.
  static func classify(_ type: hid_t) -> Classification {
    let typeClass = H5Tget_class(type)
    let size = H5Tget_size(type)
    let bigEndian = H5Tget_order(type) == H5T_ORDER_BE
    switch typeClass {
    case H5T_INTEGER:
      let signed = H5Tget_sign(type) == H5T_SGN_2
      guard let dtype = integers[IntegerKey(size: size, signed: signed)] else {
        return .refused("\(size)-byte integer")
      }
      return .numeric(dtype, bigEndian: bigEndian)
    case H5T_FLOAT:
      guard let known = floats[size], floatLayout(type) == known.layout else {
        return .refused("\(size)-byte float that is not IEEE 754")
      }
      return .numeric(known.dtype, bigEndian: bigEndian)
    case H5T_ENUM:
      return isBool(type)
        ? .numeric(.bool, bigEndian: false) : .refused("enum of \(H5Tget_nmembers(type)) members")
    case H5T_STRING:
      return .refused(
        H5Tis_variable_str(type) > 0
          ? "variable-length string" : "fixed-length string of \(size) bytes")
    default:
      let name = refusedClasses[UInt32(typeClass.rawValue)] ?? "type class \(typeClass.rawValue)"
      return .refused(name)
    }
  }

  private static func floatLayout(_ type: hid_t) -> FloatLayout {
    var spos = 0
    var epos = 0
    var esize = 0
    var mpos = 0
    var msize = 0
    H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize)
    return FloatLayout(
      signPosition: spos, exponentPosition: epos, exponentSize: esize, mantissaPosition: mpos,
      mantissaSize: msize, bias: H5Tget_ebias(type))
  }

  /// True for h5py's bool: an enum of a 1-byte integer with exactly `FALSE = 0`, `TRUE = 1`.
  ///
  /// `H5Tget_member_value` copies as many bytes as the enum type's own size, which a corrupt
  /// file may set apart from its base type's: both must be 1 before a member is read into a
  /// one-byte value.
  private static func isBool(_ type: hid_t) -> Bool {
    let base = H5Tget_super(type)
    guard base >= 0 else { return false }
    defer { H5Tclose(base) }
    guard H5Tget_class(base) == H5T_INTEGER, H5Tget_size(base) == 1, H5Tget_size(type) == 1,
      H5Tget_nmembers(type) == 2
    else {
      return false
    }
    var members: [String: Int8] = [:]
    for index in 0..<UInt32(2) {
      guard let name = H5Tget_member_name(type, index) else { return false }
      defer { H5free_memory(name) }
      var value: Int8 = 0
      guard H5Tget_member_value(type, index, &value) >= 0 else { return false }
      members[String(cString: name)] = value
    }
    return members == ["FALSE": 0, "TRUE": 1]
  }
}
