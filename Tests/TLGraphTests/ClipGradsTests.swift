import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

@testable import TLGraph

/// `clip_grads` against the book's own function run by NumPy (testdata/gen_clip_grads.py): the
/// clipped grads bit for bit, so the rate has NumPy's bits (pairwise `np.sum(g ** 2)`, float32
/// scalars for float32 grads). The "model" cases were chosen so that a float64 sequential sum of
/// the squares gives a rate with other bits.
@Suite("clip_grads against NumPy")
struct ClipGradsTests {
  @Test("clip_grads gives NumPy's clipped grads bit for bit", arguments: ["small_f32", "model_f32", "model_f64"])
  func againstNumPy(_ name: String) throws {
    let directory = "clip_grads/\(name)"
    let meta =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(directory)/meta.json")))) as? [String: Any]
    let maxNorm = try #require(meta?["max_norm"] as? Double)
    let count = try #require(meta?["count"] as? Int)
    var grads = try (0..<count).map { try NPY.read(path: Fixtures.path("\(directory)/g\($0).npy")) }
    let expected = try (0..<count).map { try NPY.read(path: Fixtures.path("\(directory)/clipped\($0).npy")) }
    #expect(grads != expected, "NumPy clipped them")
    Trainer.clipGrads(&grads, maxNorm: maxNorm)
    for index in 0..<count {
      #expect(grads[index].dtype == expected[index].dtype)
      #expect(grads[index].shape == expected[index].shape)
      #expect(grads[index] == expected[index], "\(name): grad \(index)")
    }
  }
}
