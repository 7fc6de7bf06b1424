import Foundation

/// What `--json` prints on stdout when a command fails with exit status 2: `status`
/// `"error"`, the one-line `message` (also on stderr), and `exit_status`.
struct JSONErrorReport: Encodable {
  var status = "error"
  var message: String
  var exitStatus: Int32 = 2

  enum CodingKeys: String, CodingKey {
    case status, message
    case exitStatus = "exit_status"
  }

  init(error: any Error) { message = "\(error)" }

  var text: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
