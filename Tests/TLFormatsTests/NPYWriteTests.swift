import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// Our writer against `np.save`: reading a NumPy file and writing it back gives the same bytes.
@Suite struct NPYWriteTests {
  static let saved = Manifest.npy.filter { $0.npSaveNative == true }

  @Test(arguments: saved)
  func roundTripIsByteIdentical(_ expected: ExpectedArray) throws {
    let path = Fixtures.path("npy/\(expected.file ?? "")")
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    let array = try NPY.read(path: path)
    #expect(Data(NPY.encode(array)) == original)

    let directory = try Fixtures.temporaryDirectory("npy-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.npy").path
    try NPY.write(array, to: out)
    #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == original)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.npy"])
  }

  @Test func savedCoversEveryDTypeAndShapeKind() {
    let dtypes = Set(Self.saved.map(\.dtype))
    #expect(dtypes == Set(DType.allCases.map(\.rawValue)))
    let ranks = Set(Self.saved.map(\.shape.count))
    #expect(ranks.isSuperset(of: [0, 1, 2, 3, 32]))
    #expect(Self.saved.contains { $0.shape.contains(0) })
  }
}
