import Foundation
import TLCompare
import TLIO

/// `tl-run inspect --json`: every row of the table as an object, NaN and infinities spelled as
/// strings (`"nan"`, `"inf"`) as the comparison reports spell them.
struct InspectJSON: Encodable {
  struct Row: Encodable {
    var name: String
    var dtype: String?
    var shape: [Int]?
    var min: JSONScalar?
    var max: JSONScalar?
    var mean: JSONScalar?
    var nanCount: Int?
    var infCount: Int?
    var storage: String?
    var unreadable: String?

    enum CodingKeys: String, CodingKey {
      case name, dtype, shape, min, max, mean, storage, unreadable
      case nanCount = "nan_count"
      case infCount = "inf_count"
    }

    init(_ entry: InspectEntry) {
      name = entry.name
      dtype = entry.dtype == "-" ? nil : entry.dtype
      shape = entry.shape
      min = entry.statistics?.min.map(Self.scalar)
      max = entry.statistics?.max.map(Self.scalar)
      mean = entry.statistics?.mean.map(Self.scalar)
      nanCount = entry.statistics?.nanCount
      infCount = entry.statistics?.infCount
      storage = entry.storage.isEmpty ? nil : entry.storage
      unreadable = entry.unreadable
    }

    static func scalar(_ value: Double) -> JSONScalar {
      if value.isNaN { return .special("nan") }
      if value.isInfinite { return .special(value > 0 ? "inf" : "-inf") }
      return .double(value)
    }
  }

  var source: String
  var arrays: [Row]
  var unreadable: Int
  var exitStatus: Int32

  enum CodingKeys: String, CodingKey {
    case source, arrays, unreadable
    case exitStatus = "exit_status"
  }

  init(source: String, entries: [InspectEntry]) {
    self.source = source
    arrays = entries.map(Row.init)
    unreadable = entries.count { $0.unreadable != nil }
    exitStatus = unreadable > 0 ? 2 : 0
  }

  /// Pretty-printed with sorted keys.
  var text: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
