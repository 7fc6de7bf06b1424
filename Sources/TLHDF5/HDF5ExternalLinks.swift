import CHDF5
import Foundation
import TLSystem

/// The link access properties of the lookups that first follow a path's links (`H5Lexists`,
/// `H5Oopen`, `H5Lget_info`, `H5Oexists_by_name`; `H5Dopen2` and `H5Gopen2` take other
/// property classes and only open what `H5Oopen` reached first): before libhdf5 opens the file
/// an external link names, a callback refuses one that exists and is not a regular file (a
/// FIFO would block the open forever, as it would for the file given).
enum HDF5ExternalLinks {
  /// Why the callback refused the last traversal; taken by ``HDF5Context/libraryError(_:)``.
  /// Only used holding the library lock.
  nonisolated(unsafe) static var refusal: String?

  /// The property list, made once, under the library lock (0 until then; the default list if
  /// it cannot be made).
  nonisolated(unsafe) private static var list: hid_t = 0

  /// The link access property list with the callback; call holding the library lock.
  static var access: hid_t {
    if list == 0 {
      let made = H5Pcreate(tlh5_link_access_class())
      if made >= 0, H5Pset_elink_cb(made, check, nil) >= 0 {
        list = made
      } else {
        H5Eclear2(tlh5_error_default())
        list = tlh5_default()
      }
    }
    return list
  }

  /// Refuses (returns -1) when a file the library may open for the link is there but is not a
  /// regular file: the name as given (absolute, or relative to the working directory) and the
  /// name relative to the linking file's directory, as libhdf5 looks for it.
  private static let check: H5L_elink_traverse_t = { parent, _, child, _, _, _, _ in
    guard let child else { return 0 }
    let name = String(cString: child)
    var candidates = [name]
    if !name.hasPrefix("/"), let parent {
      let directory = (String(cString: parent) as NSString).deletingLastPathComponent
      candidates.append((directory as NSString).appendingPathComponent(name))
    }
    for candidate in candidates {
      guard let kind = FileKind.of(candidate), kind != .regular else { continue }
      refusal = "external link target \(candidate) \(kind.refusal(expected: "an HDF5 file"))"
      return -1
    }
    return 0
  }
}
