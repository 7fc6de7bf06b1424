#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension AtomicFile {
  /// A complete new file that is not in place yet: ``stage(to:expecting:_:)`` writes it (on
  /// any thread), ``commit()`` later puts it at its final name as ``write(to:expecting:_:)``
  /// would have, or ``discard()`` drops it. Until it is committed the target is as it was.
  ///
  /// On Linux it is an unnamed file (`O_TMPFILE`) held open: a process killed before the
  /// commit leaves nothing. Elsewhere, or on a filesystem without unnamed files, it is the
  /// temporary `.NAME.tmp-PID-RANDOM` beside the target, registered with the crash guard until
  /// the commit (a later run removes it if the process dies otherwise,
  /// ``removeStaleTemporaries(in:for:staleAfter:)``). Exactly one of
  /// ``commit()`` and ``discard()`` must be called once.
  public struct StagedFile: Sendable {
    /// The target.
    public let path: String
    /// The target as ``stage(to:expecting:_:)`` was told it should be, for the refusals.
    let expecting: String
    let form: Form

    enum Form: Sendable {
      /// An open unnamed file.
      case unnamed(Int32)
      /// A closed file under a temporary name beside the target, and its crash-guard slot.
      case named(String, slot: Int32)
    }

    /// Puts the file in place as ``write(to:expecting:_:)`` does: the target is checked again
    /// (a directory, FIFO or device put there since is refused with the same ``FileError``),
    /// then linked in or exchanged with the old file. False, with nothing changed and the
    /// staged file dropped, where an unnamed file cannot be linked at all (no `/proc`, no
    /// right to `AT_EMPTY_PATH`): the caller then writes the file with
    /// ``write(to:expecting:_:)``, which falls back to a named temporary.
    public func commit() throws -> Bool {
      switch form {
      case .named(let temporary, let slot):
        defer { unregisterTemporary(slot) }
        do {
          try checkTarget(path, expecting: expecting)
          try move(temporary, over: path)
        } catch {
          unlink(temporary)
          throw error
        }
        return true
      case .unnamed(let descriptor):
        defer { close(descriptor) }
        try checkTarget(path, expecting: expecting)
        return try linkUnnamed(descriptor, path: path)
      }
    }

    /// Drops the staged file; the target is not touched.
    public func discard() {
      switch form {
      case .named(let temporary, let slot):
        unlink(temporary)
        unregisterTemporary(slot)
      case .unnamed(let descriptor): close(descriptor)
      }
    }
  }

  /// Calls `body` with an ``Appender`` for a new file for `path`, and returns the
  /// complete file without putting it in place (``StagedFile/commit()`` does). The target is
  /// checked first as ``write(to:expecting:_:)`` checks it; on any failure nothing is left
  /// behind. Errors are ``FileError``s naming the target.
  public static func stage(
    to path: String, expecting: String = "a regular file",
    _ body: (Appender) throws -> Void
  ) throws -> StagedFile {
    try checkTarget(path, expecting: expecting)
    if let descriptor = UnnamedFile.open(besides: path) {
      do {
        try Appender(descriptor: descriptor, path: path).run(body)
      } catch {
        close(descriptor)
        throw error
      }
      return StagedFile(path: path, expecting: expecting, form: .unnamed(descriptor))
    }
    let temporary = temporaryPath(for: path)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FileError(path: path, message: "cannot create \(temporary): \(errnoDescription())")
    }
    let slot = registerTemporary(temporary)
    do {
      var closed = false
      defer {
        if !closed { close(descriptor) }
      }
      try Appender(descriptor: descriptor, path: path).run(body)
      closed = true
      guard close(descriptor) == 0 else {
        throw FileError(path: path, message: "close failed: \(errnoDescription())")
      }
    } catch {
      unlink(temporary)
      unregisterTemporary(slot)
      throw error
    }
    return StagedFile(path: path, expecting: expecting, form: .named(temporary, slot: slot))
  }
}
