import Foundation
import TLArray
import Testing

@testable import TLGraph

/// `Optimizer.update(_:_:last:)`: an update that keeps no state (the last; none allocated when
/// it is also the first) gives the params the bits of the stateful path, for every kind and
/// both float dtypes, at sizes split among the workers and not.
@Suite struct OptimizerLastStepTests {
  private static let counts = [3001, 300_007]  // below and above Kernel.parallelElements

  private func array(_ count: Int, _ dtype: DType, seed: Int, scale: Double) -> NDArray {
    let values: [Double] = (0..<count).map { k -> Double in
      k % 89 == 0 ? -0.0 : sin(Double(k * 7 + seed) * 0.53) * scale
    }
    let float64 = NDArray(shape: [count], scalars: values)
    return dtype == .float64 ? float64 : float64.astype(.float32)
  }

  private func bits(_ array: NDArray) -> [UInt64] {
    array.dtype == .float32
      ? array.scalars(as: Float.self).map { UInt64($0.bitPattern) } : array.scalars(as: Double.self).map(\.bitPattern)
  }

  /// `steps` updates of two params (the second a 2-d one), the last with `last` as given.
  private func run(_ kind: Optimizer.Kind, _ dtype: DType, count: Int, steps: Int, last: Bool) -> [[UInt64]] {
    let optimizer = Optimizer(kind: kind, lr: nil, momentum: nil, decayRate: nil, beta1: nil, beta2: nil)
    var params = [array(count, dtype, seed: 1, scale: 0.1), array(12, dtype, seed: 2, scale: 0.3).reshaped([3, 4])]
    for step in 0..<steps {
      let grads = [
        array(count, dtype, seed: 10 + step, scale: 1e-2),
        array(12, dtype, seed: 20 + step, scale: 0.02).reshaped([3, 4]),
      ]
      params = optimizer.update(params, grads, last: last && step == steps - 1)
    }
    return params.map(bits)
  }

  @Test(
    "the first-and-last update and the last of three equal the stateful path, bit for bit",
    arguments: Optimizer.Kind.allCases, [DType.float32, .float64])
  func lastUpdateKeepsTheBits(kind: Optimizer.Kind, dtype: DType) {
    for count in Self.counts {
      for steps in [1, 3] {
        let stateful = run(kind, dtype, count: count, steps: steps, last: false)
        let stateless = run(kind, dtype, count: count, steps: steps, last: true)
        #expect(stateless == stateful, "\(kind) \(dtype) \(count) elements, \(steps) steps")
      }
    }
  }
}
