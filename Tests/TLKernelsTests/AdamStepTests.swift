import Foundation
import Testing

@testable import TLKernels

/// Kernel.adamStep against the scalar definition of the book's Adam element loop (float32 m
/// and v, the step in float64), bit for bit: on one worker and split among four, forced by
/// ``Kernel/withRowWorkers(_:_:)`` (so the split path runs on a one-CPU machine too), and with each
/// way of treating the state.
@Suite struct AdamStepTests {
  /// Values of mixed signs and magnitudes, with zeros and negative zeros among them.
  private func values(_ count: Int, seed: Int, scale: Float) -> [Float] {
    (0..<count).map { k in
      switch (k + seed) % 97 {
      case 0: 0
      case 1: -0.0
      default: Float(sin(Double(k * 13 + seed) * 0.71)) * scale * Float(1 + (k % 7))
      }
    }
  }

  /// The book's loop, element by element (common/optimizer.py, NumPy 2's dtypes).
  private func reference(
    _ p: [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], _ b1: Float, _ b2: Float, _ lrT: Double
  ) -> [Float] {
    p.indices.map { k in
      m[k] += b1 * (g[k] - m[k])
      v[k] += b2 * (g[k] * g[k] - v[k])
      let denominator = v[k].squareRoot() + Float(1e-7)
      return Float(Double(p[k]) - lrT * Double(m[k]) / Double(denominator))
    }
  }

  private func run(
    _ p: [Float], _ g: [Float], m: inout [Float], v: inout [Float], lrT: Double, state: Kernel.AdamState,
    workers: Int
  ) -> [Float] {
    var out = [Float](repeating: .nan, count: p.count)
    Kernel.withRowWorkers(workers) {
      step(p, g, m: &m, v: &v, lrT: lrT, state: state, into: &out)
    }
    return out
  }

  private func step(
    _ p: [Float], _ g: [Float], m: inout [Float], v: inout [Float], lrT: Double, state: Kernel.AdamState,
    into out: inout [Float]
  ) {
    p.withUnsafeBufferPointer { p in
      g.withUnsafeBufferPointer { g in
        out.withUnsafeMutableBufferPointer { out in
          m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
              Kernel.adamStep(
                p, into: out, g, m: m, v: v, oneMinusBeta1: 0.1, oneMinusBeta2: Float(1 - 0.999), lrT: lrT,
                state: state)
            }
          }
        }
      }
    }
  }

  @Test(
    "update, read and none give the scalar loop's bits; only update writes m and v",
    arguments: [1000, Kernel.parallelElements + 4097], [1, 4])
  func statesMatchTheScalarLoop(count: Int, workers: Int) {
    let (p, g) = (values(count, seed: 3, scale: 0.05), values(count, seed: 11, scale: 2e-3))
    let lrT = 0.001 * (1.0 - pow(0.999, 2.0)).squareRoot() / (1.0 - pow(0.9, 2.0))
    let (m0, v0) = (values(count, seed: 5, scale: 1e-3), values(count, seed: 7, scale: 1e-6).map(abs))
    var (mExpected, vExpected) = (m0, v0)
    let expected = reference(p, g, &mExpected, &vExpected, 0.1, Float(1 - 0.999), lrT)

    var (m, v) = (m0, v0)
    let updated = run(p, g, m: &m, v: &v, lrT: lrT, state: .update, workers: workers)
    #expect(updated.map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(m.map(\.bitPattern) == mExpected.map(\.bitPattern))
    #expect(v.map(\.bitPattern) == vExpected.map(\.bitPattern))

    (m, v) = (m0, v0)
    let read = run(p, g, m: &m, v: &v, lrT: lrT, state: .read, workers: workers)
    #expect(read.map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(m.map(\.bitPattern) == m0.map(\.bitPattern) && v.map(\.bitPattern) == v0.map(\.bitPattern))

    // The first update: zero state. `none` reads none (empty buffers) and equals the loop on zeros.
    var (mZero, vZero) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
    let firstExpected = reference(p, g, &mZero, &vZero, 0.1, Float(1 - 0.999), 0.001)
    var (empty1, empty2) = ([Float](), [Float]())
    let none = run(p, g, m: &empty1, v: &empty2, lrT: 0.001, state: .none, workers: workers)
    #expect(none.map(\.bitPattern) == firstExpected.map(\.bitPattern))
  }
}
