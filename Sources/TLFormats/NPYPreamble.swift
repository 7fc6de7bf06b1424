/// The fixed start of a `.npy` file: magic string, version, and header length.
struct NPYPreamble: Equatable, Sendable {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
  /// Bytes to read to be sure of holding the whole preamble of any version.
  static let maxLength = 12
  /// The longest header read: `np.load`'s own limit (`max_header_size`, NumPy ≥ 1.24), beyond
  /// which it refuses a file unless told to trust it. NumPy's own headers are far shorter (128
  /// bytes for a typical array; 64 dimensions fit in ~1.4 KB), and a 4 GiB one would otherwise
  /// be read and parsed whole before anything else is checked.
  static let maxHeaderLength = 10_000

  var major: UInt8
  var minor: UInt8
  var headerLength: Int

  /// Offset of the header text: 10 in version 1.0 (a `uint16` length), else 12 (`uint32`).
  var headerStart: Int { major == 1 ? 10 : 12 }
  var dataOffset: Int { headerStart + headerLength }
  /// Version 3.0 allows UTF-8 in the header; 1.0 and 2.0 are latin-1.
  var isUTF8: Bool { major == 3 }

  /// Other formats a wrong file often is, by their first bytes, to say what was given instead.
  static let lookalikes: [(prefix: [UInt8], name: String)] = [
    ([0x50, 0x4B, 0x03, 0x04], "a zip archive (.npz?)"),
    ([0x50, 0x4B, 0x05, 0x06], "an empty zip archive (.npz?)"),
    ([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], "an HDF5 file"),
    ([0x80, 0x02], "a pickle"), ([0x80, 0x03], "a pickle"), ([0x80, 0x04], "a pickle"),
    ([0x80, 0x05], "a pickle"),
  ]

  /// Parses the first bytes of a file of `fileSize` bytes (`first` holds up to ``maxLength``).
  init(_ first: [UInt8], fileSize: Int, source: Source) throws {
    guard fileSize > 0 else { throw source.error("file is empty") }
    guard first.starts(with: Self.magic.prefix(first.count)) else {
      if let like = Self.lookalikes.first(where: { first.starts(with: $0.prefix) }) {
        throw source.error("not a .npy file: looks like \(like.name)")
      }
      let shown = first.prefix(6).map { String(pythonByte: $0) }.joined()
      throw source.error("not a .npy file: starts with '\(shown)', not '\\x93NUMPY'")
    }
    guard first.count >= 10 else {
      throw source.error("truncated: \(fileSize) bytes, shorter than the .npy preamble")
    }
    major = first[6]
    minor = first[7]
    guard minor == 0, (1...3).contains(major) else {
      throw source.error(
        "unsupported .npy version \(major).\(minor) (tl-run reads 1.0, 2.0 and 3.0)")
    }
    if major == 1 {
      headerLength = Int(first[8]) | Int(first[9]) << 8
    } else {
      guard first.count >= 12 else {
        throw source.error(
          "truncated: \(fileSize) bytes, shorter than the .npy \(major).0 preamble")
      }
      headerLength = (8..<12).reduce(0) { $0 | Int(first[$1]) << (8 * ($1 - 8)) }
    }
    guard headerLength <= Self.maxHeaderLength else {
      throw source.error(
        "header length \(headerLength) is more than the \(Self.maxHeaderLength) bytes np.load reads"
          + " (its max_header_size)")
    }
    guard dataOffset <= fileSize else {
      throw source.error(
        "header length \(headerLength) runs past the end of the file (\(fileSize) bytes)")
    }
  }
}

extension String {
  /// A byte as Python shows it in a bytes literal: printable ASCII as itself, else `\xNN`.
  init(pythonByte byte: UInt8) {
    if (0x20..<0x7F).contains(byte) && byte != 0x5C {
      self = String(Character(Unicode.Scalar(byte)))
    } else {
      let hex = String(byte, radix: 16)
      self = "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
  }
}
