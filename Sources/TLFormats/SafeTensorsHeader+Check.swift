import TLArray

extension SafeTensorsHeader {
  /// Checks each tensor against its dtype and the file, then that the tensors cover the data
  /// buffer of `dataLength` bytes exactly; returns them in the header's order.
  static func check(_ raw: [RawTensor], dataLength: Int, source: Source) throws -> [SafeTensorsEntry] {
    let entries = try raw.map { try entry($0, dataLength: dataLength, source: source) }
    try checkCoverage(entries, dataLength: dataLength, source: source)
    return entries
  }

  /// One tensor: a known dtype, two offsets with begin ≤ end inside the data buffer, and as
  /// many bytes between them as the shape needs.
  private static func entry(_ raw: RawTensor, dataLength: Int, source: Source) throws -> SafeTensorsEntry {
    let source = Source(file: source.file, member: raw.name)
    guard let type = SafeTensorsDType(named: raw.dtype) else {
      let known = SafeTensorsDType.all.map(\.name).joined(separator: ", ")
      throw source.error("unknown dtype '\(raw.dtype)' (the safetensors package knows \(known))")
    }
    guard raw.offsets.count == 2 else {
      throw source.error("data_offsets holds \(raw.offsets.count) numbers, not two (begin, end)")
    }
    let (begin, end) = (raw.offsets[0], raw.offsets[1])
    let offsets = "data_offsets [\(begin), \(end)]"
    guard begin <= end else { throw source.error("\(offsets): the begin is after the end") }
    guard end <= dataLength else {
      throw source.error("\(offsets) run past the end of the file (its data buffer holds \(dataLength) bytes)")
    }
    let described = "shape \(Shape.describe(raw.shape)) of \(type.name)"
    guard let bits = Shape.checkedByteCount(raw.shape, itemSize: type.bits) else {
      throw source.error("\(described) overflows the byte count")
    }
    guard bits % 8 == 0 else { throw source.error("\(described) is not a whole number of bytes") }
    guard end - begin == bits / 8 else {
      throw source.error("\(offsets) hold \(end - begin) bytes but \(described) needs \(bits / 8)")
    }
    return SafeTensorsEntry(name: raw.name, shape: raw.shape, type: type, begin: begin, end: end)
  }

  /// The tensors, in the order of their offsets, must tile `0..<dataLength`: each begins
  /// where the one before ends.
  private static func checkCoverage(_ entries: [SafeTensorsEntry], dataLength: Int, source: Source) throws {
    let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var position = 0
    var previous: String?
    for entry in ordered {
      let source = Source(file: source.file, member: entry.name)
      if entry.begin > position {
        throw source.error(
          "bytes \(position)..<\(entry.begin) of the data buffer, before this tensor, belong to no tensor (a hole; the safetensors package refuses the file)"
        )
      }
      if entry.begin < position {
        throw source.error(
          "data_offsets [\(entry.begin), \(entry.end)] overlap those of tensor '\(previous ?? "")', which end at \(position)"
        )
      }
      position = entry.end
      if entry.end > entry.begin { previous = entry.name }
    }
    if position < dataLength {
      throw source.error(
        "the last \(dataLength - position) bytes of the file belong to no tensor (the safetensors package refuses the file)"
      )
    }
  }
}
