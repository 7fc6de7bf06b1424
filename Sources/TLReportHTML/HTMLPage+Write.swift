import TLSystem

extension HTMLPage {
  /// Writes the rendered page to `path` atomically (``AtomicFile``: the old page or the new
  /// one, never half of one).
  /// - Throws: ``FileError`` naming `path` (its directory missing or not writable, a
  ///   directory or FIFO at `path`, a full disk).
  public func write(to path: String) throws {
    let bytes = Array(render().utf8)
    try AtomicFile.write(to: path, expecting: "an HTML file") { append in
      try bytes.withUnsafeBytes { try append($0) }
    }
  }
}
