import Foundation
import TLArray
import TLIO
import TLTestSupport
import Testing

/// An HDF5 file is written under `.NAME.tmp-PID-RANDOM`, the .npy and .npz writers' pattern, so
/// the next write of NAME removes one that a killed tl-run left (its process gone, untouched for
/// 10 minutes); the temporary of a live process, a recent one and another file's stay.
@Test func aKilledHDF5WritesTemporaryIsRemovedByTheNextWrite() throws {
  let directory = try Fixtures.temporaryDirectory("h5-temporary")
  defer { try? FileManager.default.removeItem(at: directory) }
  func make(_ name: String, ageSeconds: Int) throws {
    try Fixtures.writeAgedFile(name, in: directory, ageSeconds: ageSeconds)
  }
  let dead = Int32.max
  try make(".out.h5.tmp-\(dead)-7", ageSeconds: 3600)
  try make(".out.h5.tmp-\(dead)-8", ageSeconds: 10)
  try make(".other.h5.tmp-\(dead)-7", ageSeconds: 3600)
  let target = directory.appendingPathComponent("out.h5").path
  try ArrayIO.write([("x", NDArray(shape: [2], scalars: [Float(1), 2]))], to: .hdf5(path: target))
  let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  #expect(left == [".other.h5.tmp-\(dead)-7", ".out.h5.tmp-\(dead)-8", "out.h5"], "\(left)")
  #expect(try ArrayIO.read(.hdf5Dataset(path: target, dataset: "/x")) == NDArray(shape: [2], scalars: [Float(1), 2]))
}
