import TLArray

extension NPYHeader {
  /// NumPy's alignment of the data start (`ARRAY_ALIGN`).
  static let alignment = 64
  /// Spare spaces NumPy ≥ 1.24 leaves so the growing axis can get longer in place
  /// (`GROWTH_AXIS_MAX_DIGITS`, the digits of a hypothetical `8·2⁶⁴−1`).
  static let growthAxisMaxDigits = 21

  /// The dict text exactly as NumPy's `_write_array_header` writes it: keys sorted, `repr` values,
  /// a `, ` after each, then spare spaces for the growth axis.
  var dictText: String {
    let order = fortranOrder ? "True" : "False"
    let shapeText = Shape.describe(shape)
    var text =
      "{'descr': '\(NPYDescr.string(for: descr.dtype))', 'fortran_order': \(order), 'shape': \(shapeText), }"
    if let growth = fortranOrder ? shape.last : shape.first {
      text += String(repeating: " ", count: max(0, Self.growthAxisMaxDigits - String(growth).count))
    }
    return text
  }

  /// Preamble, header and padding as `np.save` writes them: version 1.0 unless the header
  /// outgrows its `uint16` length, then 2.0 (the text is ASCII, so 3.0 is never needed).
  func encoded() -> [UInt8] {
    let text = Array(dictText.utf8)
    let textLength = text.count + 1  // the final newline
    for (major, lengthBytes) in [(UInt8(1), 2), (UInt8(2), 4)] {
      let prefixLength = NPYPreamble.magic.count + 2 + lengthBytes
      // Like NumPy: a header already ending on the boundary still gets a full 64 spaces.
      let padding = Self.alignment - (prefixLength + textLength) % Self.alignment
      let headerLength = textLength + padding
      guard headerLength < 1 << (8 * lengthBytes) else { continue }
      var out = NPYPreamble.magic + [major, 0]
      out += (0..<lengthBytes).map { UInt8(truncatingIfNeeded: headerLength >> (8 * $0)) }
      out += text
      out += [UInt8](repeating: 0x20, count: padding)
      out.append(0x0A)
      return out
    }
    preconditionFailure("a .npy header of \(textLength) bytes exceeds version 2.0's 4 GiB")
  }
}
