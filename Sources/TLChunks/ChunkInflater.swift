import CTLDeflate

extension ChunkCodec {
  /// Inflates the zlib streams of the chunks one worker decodes with libdeflate, reusing one
  /// decompressor for all of them. Whole-buffer decoding into the chunk's exact size, about
  /// twice as fast as zlib's streaming inflate; it checks the stream's Adler-32.
  final class Inflater {
    private let decompressor: OpaquePointer

    /// Throws when libdeflate cannot allocate its decompressor.
    init() throws {
      guard let decompressor = libdeflate_alloc_decompressor() else {
        throw Failure(cause: "cannot be inflated: libdeflate cannot start (out of memory)")
      }
      self.decompressor = decompressor
    }

    deinit { libdeflate_free_decompressor(decompressor) }

    /// Inflates the zlib stream `source` into `destination`, which it must fill exactly (a
    /// chunk decodes to its whole size).
    func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
      guard let input = source.baseAddress, let output = destination.baseAddress else {
        throw Failure(cause: "is empty")
      }
      let result = libdeflate_zlib_decompress(decompressor, input, source.count, output, destination.count, nil)
      switch result {
      case LIBDEFLATE_SUCCESS: return
      case LIBDEFLATE_BAD_DATA: throw Failure(cause: "is not valid zlib data (libdeflate: bad data or checksum)")
      case LIBDEFLATE_SHORT_OUTPUT: throw Failure(cause: "inflates to fewer bytes than a chunk holds")
      case LIBDEFLATE_INSUFFICIENT_SPACE: throw Failure(cause: "inflates to more bytes than a chunk holds")
      default: throw Failure(cause: "cannot be inflated (libdeflate result \(result.rawValue))")
      }
    }
  }
}
