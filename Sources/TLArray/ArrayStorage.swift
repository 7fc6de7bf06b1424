import TLSystem

/// The bytes behind an ``NDArray``: heap memory it owns, or memory lent by someone else (a
/// memory-mapped file) together with the closure that gives it back.
///
/// `@unchecked Sendable` because its stored properties never change and it hands out its
/// bytes only to code of this package (``base`` is `package`): ``NDArray`` writes them only
/// after making its storage unique (copy-on-write), so bytes shared between threads are only
/// ever read.
public final class ArrayStorage: @unchecked Sendable {
  /// Start of the bytes; aligned for the element type of every array that views them. Only
  /// this package's code sees it, so no caller outside can write an array's shared bytes.
  @usableFromInline package let base: UnsafeMutableRawPointer
  public let byteCount: Int
  /// Whether the bytes came zeroed from the system (fresh pages). Says nothing once anyone has
  /// written them: only for the allocator's caller, right after allocation.
  public let isZeroed: Bool
  private let release: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?

  /// Fresh, uninitialised memory of `byteCount` bytes, aligned to 64 bytes. Large buffers
  /// (``LargeBuffer``) are pages of their own and come zeroed: on huge pages where the system
  /// allows, or with `hugePages` false on 4 KiB pages, each cleared when first written (for a
  /// buffer written in few places: an embedding's dW).
  public init(byteCount: Int, hugePages: Bool = true) {
    self.byteCount = byteCount
    if let pages = LargeBuffer.allocate(byteCount: byteCount, hugePages: hugePages) {
      self.base = pages
      self.isZeroed = true
      self.release = { base, count in LargeBuffer.free(base, byteCount: count) }
    } else {
      self.base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
      self.isZeroed = false
      self.release = nil
    }
  }

  /// Like ``init(byteCount:)``, but nil where that would stop the process because the system
  /// cannot provide the memory: for sizes a file declares (a sparse 1 TB `.npy`, a ZIP64 member
  /// of a small archive), which must be an error, not a crash.
  public static func allocate(byteCount: Int) -> ArrayStorage? {
    guard byteCount >= LargeBuffer.threshold else { return ArrayStorage(byteCount: byteCount) }
    guard let pages = LargeBuffer.allocate(byteCount: byteCount) else { return nil }
    return ArrayStorage(pages: pages, byteCount: byteCount)
  }

  private init(pages: UnsafeMutableRawPointer, byteCount: Int) {
    self.base = pages
    self.byteCount = byteCount
    self.isZeroed = true
    self.release = { base, count in LargeBuffer.free(base, byteCount: count) }
  }

  /// Adopts memory owned elsewhere; `release` is called once, when the last array lets go.
  public init(
    adopting base: UnsafeMutableRawPointer, byteCount: Int,
    release: @escaping @Sendable (UnsafeMutableRawPointer, Int) -> Void
  ) {
    self.base = base
    self.byteCount = byteCount
    self.isZeroed = false
    self.release = release
  }

  deinit {
    if let release { release(base, byteCount) } else { base.deallocate() }
  }

  /// A heap copy of the first `byteCount` bytes.
  func copy(byteCount: Int) -> ArrayStorage {
    let fresh = ArrayStorage(byteCount: byteCount)
    fresh.base.copyMemory(from: base, byteCount: byteCount)
    return fresh
  }
}

/// Anonymous mappings for buffers of 1 MiB and more, aligned to 2 MiB and advised to use
/// transparent huge pages (``TLSystem/Memory/mapPages(byteCount:)``). malloc maps such sizes
/// afresh on every call and unmaps them on free, so each new buffer of a run would fault in
/// 4 KiB at a time (a quarter of a language model's time went to those faults); a huge page
/// takes one fault per 2 MiB.
public enum LargeBuffer {
  /// Buffers smaller than this come from malloc.
  public static let threshold = 1 << 20

  /// Fresh zeroed pages (huge ones unless `hugePages` is false), or nil below the threshold or
  /// when the system refuses the mapping.
  static func allocate(byteCount: Int, hugePages: Bool = true) -> UnsafeMutableRawPointer? {
    guard byteCount >= threshold else { return nil }
    return Memory.mapPages(byteCount: byteCount, hugePages: hugePages)
  }

  static func free(_ base: UnsafeMutableRawPointer, byteCount: Int) {
    Memory.unmapPages(base, byteCount: byteCount)
  }
}
