import CTLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The machine's memory and page-sized allocations with their hints.
public enum Memory {
  /// Physical memory in bytes (`sysconf(_SC_PHYS_PAGES)` pages of `_SC_PAGESIZE`), nil when
  /// the system does not say; `Int.max` if the product overflows.
  public static let physical: Int? = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let pageSize = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, pageSize > 0 else { return nil }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
    return overflow ? Int.max : bytes
  }()

  /// The system's page size in bytes (`sysconf(_SC_PAGESIZE)`; 4096 when it does not say).
  public static let pageSize: Int = {
    let size = sysconf(Int32(_SC_PAGESIZE))
    return size > 0 ? size : 4096
  }()

  /// The size and alignment of a transparent huge page on x86-64 and arm64 (4 KiB pages).
  public static let hugePage = 2 << 20

  /// Fresh zeroed anonymous pages for `byteCount` bytes (rounded up to whole huge pages),
  /// aligned to ``hugePage`` and advised to use transparent huge pages (a hint, ignored where
  /// they are off); nil when the system refuses the mapping. With `hugePages` false they are
  /// advised not to (`MADV_NOHUGEPAGE`): each 4 KiB page is then cleared and backed only when
  /// first written, so a buffer written in a few places costs only those pages (an embedding's
  /// dW). Give them back with ``unmapPages(_:byteCount:)``.
  public static func mapPages(byteCount: Int, hugePages: Bool = true) -> UnsafeMutableRawPointer? {
    let length = roundedLength(byteCount)
    // Map one huge page more than needed, then unmap the slack on both sides of the aligned part.
    let span = length + hugePage
    guard let raw = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      raw != MAP_FAILED
    else { return nil }
    let address = Int(bitPattern: raw)
    let aligned = (address + hugePage - 1) / hugePage * hugePage
    if aligned > address { munmap(raw, aligned - address) }
    let tail = address + span - (aligned + length)
    if tail > 0, let end = UnsafeMutableRawPointer(bitPattern: aligned + length) { munmap(end, tail) }
    guard let base = UnsafeMutableRawPointer(bitPattern: aligned) else { return nil }
    if hugePages {
      _ = CTLSystem_madvise_hugepage(base, length)
    } else {
      _ = CTLSystem_madvise_no_hugepage(base, length)
    }
    return base
  }

  /// Reads a byte of every page of `bytes`: memory a system call could not read (EFAULT)
  /// faults here, in user space, where the crash guard reports a mapped input file truncated
  /// meanwhile (and ends the process); returns when every byte is readable.
  public static func readEveryPage(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    CTLSystem_read_every_page(base, bytes.count)
  }

  /// Unmaps pages from ``mapPages(byteCount:)``, given the same `byteCount`.
  public static func unmapPages(_ base: UnsafeMutableRawPointer, byteCount: Int) {
    munmap(base, roundedLength(byteCount))
  }

  private static func roundedLength(_ byteCount: Int) -> Int {
    (byteCount + hugePage - 1) / hugePage * hugePage
  }
}
