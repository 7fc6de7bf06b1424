import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// Headers Python 2 wrote, `'shape': (2L, 3L)` (testdata/read/python2-*.npy): NumPy drops the
/// `L` in versions 1.0 and 2.0 (`_filter_header`) and refuses it in 3.0.
@Suite struct NPYPython2HeaderTests {
  static func path(_ file: String) -> String { Fixtures.path("read/\(file)") }

  @Test(arguments: [
    ("python2-v1.npy", [2, 3]), ("python2-v2.npy", [2, 3]), ("python2-1d.npy", [2]),
    ("python2-spaced.npy", [2]),
  ])
  func longSuffixIsDroppedInVersions1And2(_ file: String, _ shape: [Int]) throws {
    let array = try NPY.read(path: Self.path(file))
    let count = shape.reduce(1, *)
    #expect(array == NDArray(shape: shape, scalars: (0..<count).map(Double.init)))
    #expect(array.dtype == .float64 && array.shape == shape)
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.path(file))))
    #expect(try NPY.decode(bytes, name: file) == array)
  }

  @Test(arguments: [
    ("python2-v3.npy", "unexpected 'L'"), ("python2-lower.npy", "unexpected 'l'"),
  ])
  func longSuffixIsRefusedWhereNumPyRefusesIt(_ file: String, _ words: String) throws {
    let error = try #require(throws: FormatError.self) { try NPY.read(path: Self.path(file)) }
    #expect(error.file == Self.path(file))
    #expect(error.message.contains("header is not a Python literal"))
    #expect(error.message.contains(words))
  }

  /// The token rule of `_filter_header`: only the name `L` right after a number.
  @Test(arguments: [
    ("(2L, 3L)", PythonLiteral.tuple([.int(2), .int(3)])),
    ("(2 L,)", .tuple([.int(2)])),
    ("(0x10L,)", .tuple([.int(16)])),
    ("(2 \\\nL,)", .tuple([.int(2)])),
    ("(-2L,)", .tuple([.int(-2)])),
  ])
  func dropsTheSuffix(_ text: String, _ value: PythonLiteral) throws {
    #expect(try PythonLiteral.parse(text, python2Longs: true) == value)
    #expect(throws: PythonLiteralError.self) { try PythonLiteral.parse(text) }
  }

  @Test(arguments: ["(2LL,)", "(2L3,)", "(2l,)", "(2\n L,)", "(2 # c\n L,)", "(L,)", "('a' L,)"])
  func keepsOtherNames(_ text: String) {
    #expect(throws: PythonLiteralError.self) { try PythonLiteral.parse(text, python2Longs: true) }
  }
}
