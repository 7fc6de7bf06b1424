import CHDF5

/// The file and dataset an operation concerns, which every error it throws names, and the checks
/// that turn failing libhdf5 calls into ``HDF5Error``s carrying the library's own message.
///
/// Only used while holding the library lock.
struct HDF5Context {
  let file: String
  var dataset: String?

  /// An error about this file and dataset.
  func error(_ cause: String) -> HDF5Error {
    HDF5Error(file: file, dataset: dataset, cause: cause)
  }

  /// An error for a failed call: `doing`, then the library's message, then the stack is cleared.
  func libraryError(_ doing: String) -> HDF5Error {
    if let refusal = HDF5ExternalLinks.refusal {
      HDF5ExternalLinks.refusal = nil
      _ = HDF5ErrorStack.take()
      return error(refusal)
    }
    guard let message = HDF5ErrorStack.take() else { return error(doing) }
    return error("\(doing): \(message)")
  }

  /// Throws unless `status` (an `herr_t` or `htri_t`) is non-negative; returns it.
  @discardableResult
  func check<T: BinaryInteger>(_ status: T, _ doing: @autoclosure () -> String) throws -> T {
    guard status >= 0 else { throw libraryError(doing()) }
    return status
  }

  /// Takes ownership of the identifier a call returned, or throws when the call failed.
  func own(_ id: hid_t, _ kind: HDF5Handle.Kind, _ doing: @autoclosure () -> String) throws
    -> HDF5Handle
  {
    guard id >= 0 else { throw libraryError(doing()) }
    return HDF5Handle(id, kind, file: file)
  }
}

/// The calling thread's libhdf5 error stack.
enum HDF5ErrorStack {
  /// The most specific message on the stack (the innermost entry, with its minor error class
  /// when that adds anything), or nil when the stack is empty; clears the stack.
  static func take() -> String? {
    let collector = Collector()
    let data = Unmanaged.passRetained(collector).toOpaque()
    _ = H5Ewalk2(tlh5_error_default(), H5E_WALK_UPWARD, collectEntry, data)
    Unmanaged<Collector>.fromOpaque(data).release()
    H5Eclear2(tlh5_error_default())
    return collector.innermost
  }

  /// Called by `H5Ewalk2` for each entry, innermost first.
  private static let collectEntry: H5E_walk2_t = { _, entry, data in
    guard let entry, let data else { return 0 }
    let collector = Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue()
    collector.add(
      description: message(entry.pointee.desc), minor: minorMessage(entry.pointee.min_num))
    return 0
  }

  private final class Collector {
    var innermost: String?

    /// Keeps the first entry with a description, adding its error class unless it repeats it.
    func add(description: String, minor: String) {
      guard innermost == nil, !description.isEmpty else { return }
      let redundant = minor.isEmpty || description.lowercased().contains(minor.lowercased())
      innermost = redundant ? description : "\(description) (\(minor.lowercased()))"
    }
  }

  private static func message(_ text: UnsafePointer<CChar>?) -> String {
    text.map { String(cString: $0) } ?? ""
  }

  /// The text of an error class id, `Unable to open file`.
  private static func minorMessage(_ id: hid_t) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard H5Eget_msg(id, nil, &buffer, buffer.count) > 0 else { return "" }
    return String(cBuffer: buffer)
  }
}

extension String {
  /// The UTF-8 text before the first NUL of a buffer libhdf5 filled in.
  init(cBuffer buffer: [CChar]) {
    self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
