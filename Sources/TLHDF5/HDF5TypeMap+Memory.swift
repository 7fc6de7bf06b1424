import CHDF5
import TLArray

extension HDF5TypeMap {
  /// The predefined native types, in the host's byte order, of the dtypes libhdf5 has them for.
  private static let nativeTypes: [DType: @Sendable () -> hid_t] = [
    .int8: tlh5_native_int8, .int16: tlh5_native_int16, .int32: tlh5_native_int32,
    .int64: tlh5_native_int64, .uint8: tlh5_native_uint8, .uint16: tlh5_native_uint16,
    .uint32: tlh5_native_uint32, .uint64: tlh5_native_uint64, .float32: tlh5_native_float,
    .float64: tlh5_native_double,
  ]

  /// The little-endian file types NumPy and h5py write.
  private static let fileTypes: [DType: @Sendable () -> hid_t] = [
    .int8: tlh5_std_i8le, .int16: tlh5_std_i16le, .int32: tlh5_std_i32le, .int64: tlh5_std_i64le,
    .uint8: tlh5_std_u8le, .uint16: tlh5_std_u16le, .uint32: tlh5_std_u32le,
    .uint64: tlh5_std_u64le, .float32: tlh5_ieee_f32le, .float64: tlh5_ieee_f64le,
  ]

  /// The type an ``NDArray`` of `dtype` has in memory: what reads convert to and writes from.
  static func memoryType(for dtype: DType, _ context: HDF5Context) throws -> HDF5Handle {
    try makeType(
      for: dtype, predefined: nativeTypes, halfOrder: H5Tget_order(tlh5_native_float()), context)
  }

  /// The type a dataset of `dtype` gets in a file we write: h5py's choices, little-endian.
  static func fileType(for dtype: DType, _ context: HDF5Context) throws -> HDF5Handle {
    try makeType(for: dtype, predefined: fileTypes, halfOrder: H5T_ORDER_LE, context)
  }

  /// An owned copy of a predefined type, or h5py's half-float and bool types built by hand.
  private static func makeType(
    for dtype: DType, predefined: [DType: @Sendable () -> hid_t], halfOrder: H5T_order_t,
    _ context: HDF5Context
  ) throws -> HDF5Handle {
    let what = "cannot make the HDF5 type for \(dtype)"
    if let source = predefined[dtype] {
      return try context.own(H5Tcopy(source()), .datatype, what)
    }
    switch dtype {
    case .float16:
      // libhdf5 1.10 has no half type: h5py derives it from single precision the same way.
      let type = try context.own(H5Tcopy(tlh5_ieee_f32le()), .datatype, what)
      try context.check(H5Tset_fields(type.id, 15, 10, 5, 0, 10), what)
      try context.check(H5Tset_size(type.id, 2), what)
      try context.check(H5Tset_ebias(type.id, 15), what)
      try context.check(H5Tset_order(type.id, halfOrder), what)
      return type
    case .bool:
      // h5py stores bool as an enum of int8 with members FALSE = 0 and TRUE = 1.
      let type = try context.own(H5Tenum_create(tlh5_native_int8()), .datatype, what)
      for (name, value) in [("FALSE", Int8(0)), ("TRUE", Int8(1))] {
        var value = value
        try context.check(H5Tenum_insert(type.id, name, &value), what)
      }
      return type
    default:
      preconditionFailure("no HDF5 type table entry for \(dtype)")
    }
  }
}
