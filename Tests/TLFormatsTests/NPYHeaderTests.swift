import TLArray
import Testing

@testable import TLFormats

/// Header spellings Python's `ast.literal_eval` accepts, and the version/padding rules of `np.save`.
@Suite struct NPYHeaderTests {
  static let f8 = NPYHeader(
    descr: NPYDescr(dtype: .float64, needsSwap: false), fortranOrder: false, shape: [3])

  /// Legal spellings of the same header (each was checked with `ast.literal_eval`).
  static let spellings: [(String, NPYHeader)] = [
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8),
    ("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3, )}", f8),
    ("{'shape':(3,),'descr':'<f8','fortran_order':False}", f8),
    ("{\n 'descr' :\t'<f8' ,\n 'fortran_order' : False ,\n 'shape' : ( 3 , ) ,\n}   \n", f8),
    ("{'descr': '<' \"f8\", 'fortran_order': False, 'shape': (0x3,)} # trailing comment", f8),
    ("{u'descr': u'<f8', 'fortran_order': False, 'shape': (3,)}", f8),
    ("{'descr': '''<f8''', 'fortran_order': False, 'shape': ((3),)}", f8),
    ("{'descr': 'f8', 'fortran_order': False, 'shape': (+3,)}", f8),
  ]

  @Test(arguments: spellings)
  func parsesSpelling(_ text: String, _ expected: NPYHeader) throws {
    #expect(try parse(text) == expected)
  }

  @Test(arguments: [
    ("{'descr': '<i4', 'fortran_order': True, 'shape': ()}", DType.int32, true, [Int]()),
    ("{'descr': '>u2', 'fortran_order': False, 'shape': (0, 3)}", .uint16, false, [0, 3]),
    (
      "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3, 4, 5,)}", .bool, false,
      [2, 3, 4, 5]
    ),
  ])
  func parsesShapesAndDTypes(_ text: String, _ dtype: DType, _ fortran: Bool, _ shape: [Int]) throws {
    let header = try parse(text)
    #expect(header.descr.dtype == dtype)
    #expect(header.fortranOrder == fortran)
    #expect(header.shape == shape)
  }

  @Test(arguments: [
    (
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3)}",
      "shape is the integer 3, not a tuple"
    ),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,),,}", "unexpected ','"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)", "text ends"),
    ("{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}", "unexpected"),
    ("{'descr': '<f8', 'fortran_order': None, 'shape': (3,)}", "fortran_order is None"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (True,)}", "shape holds True"),
    ("{3: '<f8', 'fortran_order': False, 'shape': (3,)}", "key the integer 3 is not a string"),
    ("{'descr': 8, 'fortran_order': False, 'shape': (3,)}", "descr is the integer 8"),
  ])
  func refusesSpelling(_ text: String, _ words: String) {
    #expect {
      try parse(text)
    } throws: { error in
      (error as? FormatError)?.message.contains(words) == true
    }
  }

  /// Our header text against what `np.save` writes (copied from files NumPy 2.4.6 wrote).
  @Test(arguments: [
    (
      [3, 4], DType.float32,
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"
        + String(repeating: " ", count: 20)
    ),
    ([], .bool, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }"),
    (
      [1000, 1], .uint8,
      "{'descr': '|u1', 'fortran_order': False, 'shape': (1000, 1), }"
        + String(repeating: " ", count: 17)
    ),
  ])
  func dictTextMatchesNumPy(_ shape: [Int], _ dtype: DType, _ expected: String) {
    let header = NPYHeader(
      descr: NPYDescr(dtype: dtype, needsSwap: false), fortranOrder: false, shape: shape)
    #expect(header.dictText == expected)
  }

  /// Headers past 65,535 bytes switch to version 2.0, still aligned to 64; read back, ranks
  /// up to NumPy's 64 parse, more are refused as `np.load` refuses them, in one short line (a
  /// header longer than np.load's 10000 bytes from its length alone).
  @Test(arguments: [1, 30, 64, 65, 21_000, 22_000])
  func versionAndAlignment(rank: Int) throws {
    let header = NPYHeader(
      descr: NPYDescr(dtype: .int8, needsSwap: false), fortranOrder: false,
      shape: Array(repeating: 1, count: rank))
    let bytes = header.encoded()
    #expect(bytes.count % 64 == 0)
    #expect(bytes.last == 0x0A)
    let major: UInt8 = bytes.count - 10 > 65_535 ? 2 : 1
    #expect(bytes[6] == major)
    let length = bytes.count - (major == 1 ? 10 : 12)
    guard length <= NPYPreamble.maxHeaderLength else {
      // Longer than np.load reads (its max_header_size): refused from the length alone.
      #expect(
        throws: FormatError(
          file: "t", message: "header length \(length) is more than the 10000 bytes np.load reads (its max_header_size)"
        )
      ) { try NPYPreamble(Array(bytes.prefix(12)), fileSize: bytes.count, source: Source(file: "t")) }
      return
    }
    let preamble = try NPYPreamble(
      Array(bytes.prefix(12)), fileSize: bytes.count, source: Source(file: "t"))
    #expect(preamble.major == (bytes.count - 10 > 65_535 ? 2 : 1))
    #expect(preamble.dataOffset == bytes.count)
    guard rank <= 64 else {
      #expect {
        _ = try NPYHeader(bytes: bytes[preamble.headerStart...], preamble: preamble, source: Source(file: "t"))
      } throws: { error in
        "\(error)" == "t: shape has \(rank) dimensions; NumPy allows at most 64"
      }
      return
    }
    let parsed = try NPYHeader(
      bytes: bytes[preamble.headerStart...], preamble: preamble, source: Source(file: "t"))
    #expect(parsed == header)
  }

  private func parse(_ text: String) throws -> NPYHeader {
    let preamble = NPYPreambleStub.v1(length: text.utf8.count)
    return try NPYHeader(bytes: Array(text.utf8), preamble: preamble, source: Source(file: "h.npy"))
  }
}

enum NPYPreambleStub {
  static func v1(length: Int) -> NPYPreamble {
    let bytes = NPYPreamble.magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
    // A preamble for a header that exactly fills the file; the bytes are built here, so valid.
    return (try? NPYPreamble(bytes, fileSize: 10 + length, source: Source(file: "h.npy")))
      ?? { preconditionFailure("stub preamble") }()
  }
}
