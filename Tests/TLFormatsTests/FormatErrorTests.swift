import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// A malformed fixture and the words its error must contain.
struct BadCase: Sendable, CustomTestStringConvertible {
  var file: String
  var member: String? = nil
  var words: [String]
  var testDescription: String { file }
}

/// Every malformed file under testdata/bad gives a one-line FormatError naming file and fault.
@Suite struct FormatErrorTests {
  static let npyCases: [BadCase] = [
    BadCase(file: "empty.npy", words: ["file is empty"]),
    BadCase(file: "short-magic.npy", words: ["truncated", "4 bytes"]),
    BadCase(file: "short-preamble.npy", words: ["truncated", "9 bytes"]),
    BadCase(file: "zip.npy", words: ["not a .npy file", "looks like a zip archive (.npz?)"]),
    BadCase(file: "pickle.npy", words: ["looks like a pickle"]),
    BadCase(
      file: "text.npy", words: ["not a .npy file", "starts with 'hello ', not '\\x93NUMPY'"]),
    BadCase(file: "version-4.npy", words: ["unsupported .npy version 4.0"]),
    BadCase(file: "version-1-1.npy", words: ["unsupported .npy version 1.1"]),
    BadCase(
      file: "header-past-end.npy",
      words: ["header length 9000 runs past the end of the file (68 bytes)"]),
    BadCase(
      file: "header-past-end-v2.npy",
      words: ["header length 4294967280 is more than the 10000 bytes np.load reads (its max_header_size)"]),
    BadCase(file: "not-dict.npy", words: ["header is a tuple, not a dict"]),
    BadCase(file: "not-literal.npy", words: ["not a Python literal", "'o'"]),
    BadCase(file: "missing-key.npy", words: ["lacks key 'fortran_order'"]),
    BadCase(file: "duplicate-key.npy", words: ["key 'descr' twice"]),
    BadCase(file: "unknown-key.npy", words: ["unknown key 'extra'"]),
    BadCase(
      file: "fortran-not-bool.npy", words: ["fortran_order is the integer 0, not True or False"]),
    BadCase(file: "shape-list.npy", words: ["shape is a list, not a tuple"]),
    BadCase(file: "shape-negative.npy", words: ["negative dimension -2"]),
    BadCase(file: "shape-float.npy", words: ["not a Python literal", "'.'"]),
    BadCase(file: "shape-overflow.npy", words: ["(4294967296, 4294967296)", "overflows"]),
    BadCase(file: "shape-huge-int.npy", words: ["dimension too large"]),
    BadCase(file: "data-too-short.npy", words: ["needs 4294967296 bytes", "holds 12"]),
    BadCase(file: "truncated-data.npy", words: ["needs 8 bytes", "holds 5"]),
    BadCase(file: "dtype-object.npy", words: ["'|O'", "pickle", "never loaded"]),
    BadCase(file: "pickled-object.npy", words: ["'|O'", "pickle"]),
    BadCase(file: "dtype-complex.npy", words: ["'<c16'", "complex"]),
    BadCase(file: "dtype-bytes.npy", words: ["'|S5'", "byte string"]),
    BadCase(file: "dtype-unicode.npy", words: ["'<U3'", "unicode string"]),
    BadCase(file: "dtype-datetime.npy", words: ["'<M8[ns]'", "datetime"]),
    BadCase(file: "dtype-timedelta.npy", words: ["'<m8[s]'", "timedelta"]),
    BadCase(file: "dtype-void.npy", words: ["'|V8'", "void"]),
    BadCase(file: "dtype-longdouble.npy", words: ["'<f16'", "long double"]),
    BadCase(file: "dtype-unknown.npy", words: ["unknown dtype '<x4'"]),
    BadCase(file: "dtype-structured.npy", words: ["structured"]),
    BadCase(file: "no-such-file.npy", words: ["cannot open", "No such file"]),
  ]

  static let npzCases: [BadCase] = [
    BadCase(file: "crc.npz", member: "W", words: ["CRC mismatch"]),
    BadCase(file: "truncated.npz", words: ["truncated or corrupt zip archive"]),
    BadCase(file: "not-zip.npz", words: ["looks like a .npy file"]),
    BadCase(
      file: "member-not-npy.npz", member: "W", words: ["not a .npy file", "starts with 'this i'"]),
    BadCase(file: "empty.npy", words: ["file is empty"]),
    BadCase(file: "text.npy", words: ["not a zip archive"]),
  ]

  @Test(arguments: npyCases)
  func npyFaultIsNamed(_ bad: BadCase) throws {
    let path = Fixtures.path("bad/\(bad.file)")
    let error = try #require(throws: FormatError.self) { try NPY.read(path: path) }
    check(error, bad, path: path)
    // The same bytes from memory (as in an archive) give the same message.
    if let bytes = FileManager.default.contents(atPath: path) {
      let again = try #require(throws: FormatError.self) {
        try NPY.decode([UInt8](bytes), name: path)
      }
      if bad.file != "no-such-file.npy" { #expect(again == error) }
    }
  }

  @Test(arguments: npzCases)
  func npzFaultIsNamed(_ bad: BadCase) throws {
    let path = Fixtures.path("bad/\(bad.file)")
    let error = try #require(throws: FormatError.self) { try NPZ.readAll(path: path) }
    check(error, bad, path: path)
    if let member = bad.member {
      let direct = try #require(throws: FormatError.self) {
        try NPZ.read(path: path, member: member)
      }
      #expect(direct == error)
    }
  }

  private func check(_ error: FormatError, _ bad: BadCase, path: String) {
    #expect(error.file == path)
    #expect(error.member == bad.member)
    let prefix = bad.member.map { "\(path):\($0): " } ?? "\(path): "
    #expect(error.description.hasPrefix(prefix))
    #expect(!error.description.contains("\n"), "one line")
    for word in bad.words { #expect(error.description.contains(word), "\(error.description)") }
  }
}
