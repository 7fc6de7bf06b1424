import CTLZlib
import Foundation

/// A PNG decoded to 8-bit RGBA pixels, enough for the tests' pictures: Chromium's screenshots
/// (RGB or RGBA, 8 bits) and the page's heatmaps (8-bit palette), non-interlaced, every filter.
/// The image data is inflated with zlib.
public struct PNGImage: Sendable {
  public var width: Int
  public var height: Int
  /// Row by row, 4 bytes a pixel.
  public var rgba: [UInt8]

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The pixel at (`x`, `y`) as (r, g, b, a).
  public func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8, UInt8) {
    let i = (y * width + x) * 4
    return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
  }

  public init(decoding data: [UInt8]) throws {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard data.count > 8, Array(data[0..<8]) == signature else { throw Failure(description: "not a PNG") }
    var offset = 8
    var (width, height, depth, colourType, interlace) = (0, 0, 0, 0, 0)
    var palette: [UInt8] = []
    var compressed: [UInt8] = []
    func be32(_ at: Int) -> Int {
      Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3])
    }
    while offset + 12 <= data.count {
      let length = be32(offset)
      let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
      let start = offset + 8
      guard start + length + 4 <= data.count else { throw Failure(description: "truncated chunk \(type)") }
      let body = Array(data[start..<(start + length)])
      switch type {
      case "IHDR":
        width = be32(start)
        height = be32(start + 4)
        depth = Int(body[8])
        colourType = Int(body[9])
        interlace = Int(body[12])
      case "PLTE": palette = body
      case "IDAT": compressed += body
      default: break
      }
      offset = start + length + 4
      if type == "IEND" { break }
    }
    guard depth == 8, interlace == 0 else {
      throw Failure(description: "unsupported PNG: bit depth \(depth), interlace \(interlace)")
    }
    let channels: Int
    switch colourType {
    case 2: channels = 3
    case 3: channels = 1
    case 6: channels = 4
    case 0: channels = 1
    case 4: channels = 2
    default: throw Failure(description: "unsupported colour type \(colourType)")
    }
    let stride = width * channels
    var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
    var rawLength = uLongf(raw.count)
    let status = compressed.withUnsafeBufferPointer { source in
      raw.withUnsafeMutableBufferPointer { target in
        uncompress(target.baseAddress, &rawLength, source.baseAddress, uLong(source.count))
      }
    }
    guard status == Z_OK, Int(rawLength) == raw.count else {
      throw Failure(description: "zlib uncompress: status \(status), \(rawLength) of \(raw.count) bytes")
    }
    var pixels = [UInt8](repeating: 0, count: stride * height)
    for y in 0..<height {
      let filter = raw[y * (stride + 1)]
      for x in 0..<stride {
        let value = Int(raw[y * (stride + 1) + 1 + x])
        let left = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
        let up = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
        let corner = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
        let predicted: Int
        switch filter {
        case 0: predicted = 0
        case 1: predicted = left
        case 2: predicted = up
        case 3: predicted = (left + up) / 2
        case 4:
          let p = left + up - corner
          let (pa, pb, pc) = (abs(p - left), abs(p - up), abs(p - corner))
          predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : corner
        default: throw Failure(description: "bad filter \(filter) in row \(y)")
        }
        pixels[y * stride + x] = UInt8((value + predicted) & 0xFF)
      }
    }
    var rgba = [UInt8](repeating: 255, count: width * height * 4)
    for i in 0..<(width * height) {
      switch colourType {
      case 3:
        let entry = Int(pixels[i]) * 3
        guard entry + 2 < palette.count else { throw Failure(description: "palette index \(pixels[i]) out of range") }
        rgba[i * 4] = palette[entry]
        rgba[i * 4 + 1] = palette[entry + 1]
        rgba[i * 4 + 2] = palette[entry + 2]
      case 0, 4:
        let g = pixels[i * channels]
        (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]) = (g, g, g)
        if channels == 2 { rgba[i * 4 + 3] = pixels[i * 2 + 1] }
      default:
        for c in 0..<channels { rgba[i * 4 + c] = pixels[i * channels + c] }
      }
    }
    self.width = width
    self.height = height
    self.rgba = rgba
  }
}
