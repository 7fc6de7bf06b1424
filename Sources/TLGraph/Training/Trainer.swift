import TLArray
import TLKernels

/// The book's `Trainer.fit` inner loop (common/trainer.py) over a graph: forward, backward,
/// `remove_duplicate`, `clip_grads`, `optimizer.update` (pipeline.md §6.4).
public final class Trainer {
  public let executor: GraphExecutor
  public let optimizer: Optimizer
  public let maxGrad: Double?
  /// The loss of every step so far.
  public private(set) var losses: [Double] = []
  /// The raw gradients of the last backward, `NODE.dPARAM`, before merging and clipping.
  public private(set) var rawGrads: [(name: String, array: NDArray)] = []

  public init(executor: GraphExecutor, optimizer: Optimizer, maxGrad: Double?) {
    (self.executor, self.optimizer, self.maxGrad) = (executor, optimizer, maxGrad)
  }

  /// One step on one batch (`xs`, `ts`, …). `last`: no step follows, so the optimizer keeps
  /// no state (``Optimizer/update(_:_:last:)``); the params' bits are the same.
  public func step(inputs: [String: NDArray], last: Bool = false) throws {
    let loss = try executor.forward(inputs: inputs)
    try executor.backward()
    losses.append(loss.double(atFlat: 0))
    rawGrads = executor.grads
    let entries = executor.params
    var names = entries.map(\.name)
    var params = entries.map(\.array)
    var grads = rawGrads.map(\.array)
    Self.removeDuplicate(&names, &params, &grads, ties: entries.map(\.tie))
    if let maxGrad { Self.clipGrads(&grads, maxNorm: maxGrad, shared: rawGrads.map(\.array)) }
    let updated = optimizer.update(params, grads, last: last)
    var values: [String: NDArray] = [:]
    for (name, array) in zip(names, updated) { values[name] = array }
    executor.setParams(values)
  }

  /// The book's `remove_duplicate`: a later param that is the same array as an earlier one
  /// (an untransposed tie) or equals its transpose by value is dropped, its gradient added
  /// (transposed) into the earlier one's; the scan restarts after each merge.
  static func removeDuplicate(
    _ names: inout [String], _ params: inout [NDArray], _ grads: inout [NDArray], ties: [GraphNode.Tie?]
  ) {
    var ties = ties
    while true {
      var found = false
      outer: for i in 0..<max(params.count - 1, 0) {
        for j in (i + 1)..<params.count {
          let tiedToI = ties[j].map { $0.source == names[i] } ?? false
          if tiedToI, ties[j]?.transposed == false {
            grads[i] = Glue.add(grads[i], grads[j])
          } else if params[i].rank == 2, params[j].rank == 2, params[i].shape.reversed() == params[j].shape,
            tiedToI && ties[i] == nil && !params[i].containsNaN() || params[i].isTranspose(of: params[j])
          {
            // A transposed tie to an untied params[i] is its transpose by construction (GraphCase,
            // setParams), so equal by value unless a NaN makes `==` false as in NumPy.
            let sum = grads[i].plusTransposed(grads[j]) ?? Glue.add(grads[i], Glue.transposed(grads[j]))
            grads[i] = sum.dtype == grads[i].dtype ? sum : sum.astype(grads[i].dtype)  // in place: grads[i] +=
          } else {
            continue
          }
          (found, _) = (true, names.remove(at: j))
          (_, _, _) = (params.remove(at: j), grads.remove(at: j), ties.remove(at: j))
          break outer
        }
      }
      if !found { return }
    }
  }

  /// The book's `clip_grads`: total_norm = sqrt(Σ np.sum(g ** 2)), rate = max_norm /
  /// (total_norm + 1e-6), every grad multiplied by rate when rate < 1 — in float32 when the
  /// grads are float32 (NumPy 2 scalars), each `np.sum` in NumPy's pairwise order, so the rate
  /// has NumPy's bits. A grad whose memory one of `shared` holds too (the raw gradients, a
  /// result) is scaled into fresh memory instead of copied and then scaled.
  static func clipGrads(_ grads: inout [NDArray], maxNorm: Double, shared: [NDArray] = []) {
    let float32 = grads.allSatisfy { $0.dtype == .float32 }
    var total = 0.0  // total_norm = 0, then += each np.sum: float32 when every grad is
    for grad in grads {
      let sum = grad.pairwiseSumOfSquares()
      total = float32 ? Double(Float(total) + Float(sum)) : total + sum
    }
    let norm = float32 ? Double(Float(total).squareRoot()) : total.squareRoot()
    let rate = float32 ? Double(Float(maxNorm) / (Float(norm) + Float(1e-6))) : maxNorm / (norm + 1e-6)
    guard rate < 1 else { return }
    for index in grads.indices {
      let inPlace = !shared.contains { $0.storage === grads[index].storage }
      switch (grads[index].dtype == .float32, inPlace) {
      case (true, true): grads[index].scale(by: Float(rate))
      case (true, false): grads[index] = grads[index].scaled(by: Float(rate))
      case (false, true): grads[index].scale(by: rate)
      case (false, false): grads[index] = grads[index].scaled(by: rate)
      }
    }
  }
}
