import CHDF5
import TLArray

extension HDF5Context {
  /// The whole dataset, in its own dtype, shape `[]` for a scalar.
  func readArray(_ dataset: HDF5Handle) throws -> NDArray {
    let fileType = try own(H5Dget_type(dataset.id), .datatype, "cannot read the datatype")
    let classification = HDF5TypeMap.classify(fileType.id)
    guard let dtype = classification.dtype else {
      throw error(
        "holds non-numeric type '\(classification.description)'; only bool, integer and float datasets can be read"
      )
    }
    let shape = try shape(of: dataset)
    try checkFiltersAvailable(try storage(of: dataset).filters)
    guard let byteCount = Shape.checkedByteCount(shape, itemSize: dtype.itemSize) else {
      throw error("shape \(Shape.describe(shape)) of \(dtype) is too large to hold in memory")
    }
    let storage = ArrayStorage(byteCount: byteCount)
    if byteCount > 0 {
      let memoryType = try HDF5TypeMap.memoryType(for: dtype, self)
      let status = H5Dread(
        dataset.id, memoryType.id, tlh5_select_all(), tlh5_select_all(), tlh5_default(),
        storage.base)
      try check(status, "cannot read the data")
    }
    if dtype == .bool { try checkBoolBytes(storage, count: byteCount) }
    return NDArray(dtype: dtype, shape: shape, storage: storage)
  }

  /// A Swift `Bool` must be 0 or 1; an enum value outside FALSE/TRUE converts to all ones.
  private func checkBoolBytes(_ storage: ArrayStorage, count: Int) throws {
    let bytes = UnsafeRawBufferPointer(start: storage.base, count: count)
    if let index = bytes.firstIndex(where: { $0 > 1 }) {
      throw error("bool element \(index) is neither FALSE nor TRUE")
    }
  }
}
