import Foundation

/// libdeflate's zlib decoder, loaded at run time from the system's `libdeflate.so.0` (Debian's
/// libdeflate0, which libtiff already brings) when it is there. It inflates HDF5's gzip chunks
/// about twice as fast as zlib; without it they inflate with zlib. Loaded rather than linked so
/// that building needs no libdeflate headers and a system without it still runs.
struct Libdeflate: @unchecked Sendable {
  typealias Allocate = @convention(c) () -> OpaquePointer?
  /// `libdeflate_zlib_decompress(d, in, in_nbytes, out, out_nbytes_avail, actual_out_nbytes)`:
  /// with no `actual_out_nbytes` the output must be filled exactly.
  typealias Decompress =
    @convention(c) (
      OpaquePointer, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, UnsafeMutablePointer<Int>?
    ) -> Int32
  typealias Free = @convention(c) (OpaquePointer) -> Void

  let allocate: Allocate
  let decompress: Decompress
  let free: Free

  /// The library, or nil when the system has none.
  static let shared: Libdeflate? = load()

  /// Causes by `enum libdeflate_result` value; success (0) has none.
  static let failures: [Int32: String] = [
    1: "is not valid zlib data (libdeflate: bad data or checksum)",
    2: "inflates to fewer bytes than a chunk holds",
    3: "inflates to more bytes than a chunk holds",
  ]

  private static func load() -> Libdeflate? {
    guard let handle = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL) else { return nil }
    guard let allocate = dlsym(handle, "libdeflate_alloc_decompressor"),
      let decompress = dlsym(handle, "libdeflate_zlib_decompress"),
      let free = dlsym(handle, "libdeflate_free_decompressor")
    else {
      dlclose(handle)
      return nil
    }
    return Libdeflate(
      allocate: unsafeBitCast(allocate, to: Allocate.self),
      decompress: unsafeBitCast(decompress, to: Decompress.self),
      free: unsafeBitCast(free, to: Free.self))
  }
}
