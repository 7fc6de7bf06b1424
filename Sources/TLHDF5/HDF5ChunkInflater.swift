import CTLZlib

extension HDF5ChunkCodec {
  /// What inflates a chunk: zlib, or libdeflate (about twice as fast) where the system has it.
  enum Engine: CaseIterable, Sendable {
    case zlib, libdeflate

    /// libdeflate when it could be loaded, zlib otherwise.
    static var fastest: Engine { Libdeflate.shared == nil ? .zlib : .libdeflate }
  }

  /// Inflates the chunks one worker decodes, reusing one decoder (zlib's stream, or a
  /// libdeflate decompressor) for all of them.
  final class Inflater {
    private enum Decoder {
      /// zlib keeps a pointer back to the stream, so it lives at one address.
      case zlib(UnsafeMutablePointer<z_stream>)
      case libdeflate(Libdeflate, OpaquePointer)
    }
    private let decoder: Decoder

    /// Throws when the engine cannot start (zlib out of memory, libdeflate not on the system).
    init(_ engine: Engine) throws {
      switch engine {
      case .zlib:
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
          stream.deallocate()
          throw Failure(cause: "cannot be inflated: zlib cannot start (status \(status))")
        }
        decoder = .zlib(stream)
      case .libdeflate:
        guard let library = Libdeflate.shared, let decompressor = library.allocate() else {
          throw Failure(cause: "cannot be inflated: libdeflate is not available")
        }
        decoder = .libdeflate(library, decompressor)
      }
    }

    deinit {
      switch decoder {
      case .zlib(let stream):
        inflateEnd(stream)
        stream.deallocate()
      case .libdeflate(let library, let decompressor):
        library.free(decompressor)
      }
    }

    /// Inflates the zlib stream `source` into `destination`, which it must fill exactly (a
    /// chunk decodes to its whole size); both engines check the stream's Adler-32.
    func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer)
      throws
    {
      guard let input = source.baseAddress, let output = destination.baseAddress else {
        throw Failure(cause: "is empty")
      }
      switch decoder {
      case .zlib(let stream):
        try Self.inflate(stream, input, source.count, output, destination.count)
      case .libdeflate(let library, let decompressor):
        let result = library.decompress(
          decompressor, input, source.count, output, destination.count, nil)
        guard result != 0 else { return }
        throw Failure(cause: Libdeflate.failures[result] ?? "cannot be inflated (libdeflate result \(result))")
      }
    }

    /// One zlib call with the whole output at hand, so zlib needs no window copy.
    private static func inflate(
      _ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawPointer, _ inputCount: Int,
      _ output: UnsafeMutableRawPointer, _ outputCount: Int
    ) throws {
      inflateReset(stream)
      stream.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = uInt(inputCount)
      stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = uInt(outputCount)
      let status = CTLZlib.inflate(stream, Z_FINISH)
      let produced = outputCount - Int(stream.pointee.avail_out)
      switch status {
      case Z_STREAM_END where produced == outputCount: return
      case Z_STREAM_END:
        throw Failure(cause: "inflates to \(produced) bytes, not the chunk's \(outputCount)")
      case Z_BUF_ERROR where stream.pointee.avail_out == 0:
        throw Failure(cause: "inflates to more than the chunk's \(outputCount) bytes")
      default:
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
        throw Failure(cause: "is not valid zlib data (zlib: \(message))")
      }
    }
  }
}
