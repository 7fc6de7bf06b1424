/// A value handed to the workers of a parallel loop (`DispatchQueue.concurrentPerform`) that
/// the compiler cannot prove safe to share: a pointer into a buffer, a view of one.
///
/// Why it is safe, and the rule for every use: the loop's caller owns the memory and outlives
/// the loop (`concurrentPerform` returns only when every worker has finished), and each
/// worker writes only its own disjoint part (its rows, columns or chunks) while no one reads
/// what another writes. Anything shared beyond that needs a `Mutex`, not this.
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public let value: Value
  /// Inlinable, so a parallel kernel in another module wraps its pointers without a call.
  @inlinable public init(_ value: Value) { self.value = value }
}
