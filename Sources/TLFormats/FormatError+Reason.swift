import Foundation
import TLSystem

extension FormatError {
  /// A library error (Foundation's, ZIPFoundation's) as one stable line: the system's reason
  /// for an error that carries a POSIX code (`Not a directory`), else the error's own
  /// description. Foundation's `NSError` prints its whole user-info dictionary, in an order
  /// that changed from run to run.
  static func reason(_ error: any Error) -> String {
    let described = error as NSError
    let underlying = (described.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
    for candidate in [described, underlying] {
      if let candidate, candidate.domain == NSPOSIXErrorDomain { return errnoDescription(Int32(candidate.code)) }
    }
    if described.domain == NSCocoaErrorDomain { return described.localizedDescription }
    return "\(error)"
  }
}
