/// One of `count` disjoint, deterministic slices of a batch's sorted case list (0-based).
///
/// Slices are dealt round-robin: the case at position `k` of the sorted list belongs to shard
/// `k mod count`. Every case lands in exactly one shard, shard sizes differ by at most one, and
/// cases whose names cluster (say, all the large ones at the end) spread over every shard.
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  /// A shard; `0 ≤ index < count` is the caller's duty (``parse(_:)`` checks text from users).
  public init(index: Int, count: Int) {
    precondition(count > 0 && (0..<count).contains(index), "shard \(index)/\(count) out of range")
    self.index = index
    self.count = count
  }

  /// Reads `I/N` as `--shard` spells it; anything else is a ``BatchError`` saying what is wrong.
  public static func parse(_ text: String, option: String = "--shard") throws(BatchError) -> Shard {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
      throw BatchError("\(option) \(text): expected I/N, the 0-based shard index and the shard count, such as 0/4")
    }
    return try checked(index: index, count: count, source: "\(option) \(text)")
  }

  /// A shard from separately given numbers, with a message naming `source` when out of range.
  public static func checked(index: Int, count: Int, source: String) throws(BatchError) -> Shard {
    guard count >= 1 else { throw BatchError("\(source): the shard count must be at least 1, got \(count)") }
    guard index >= 0 && index < count else {
      throw BatchError("\(source): the shard index must be in 0...\(count - 1) (0-based), got \(index)")
    }
    return Shard(index: index, count: count)
  }

  /// This shard's items, in their order: positions `index`, `index + count`, `index + 2·count`…
  public func slice<Item>(_ items: [Item]) -> [Item] {
    stride(from: index, to: items.count, by: count).map { items[$0] }
  }

  /// `2/8`.
  public var description: String { "\(index)/\(count)" }
}
