import TLTestSupport
import Testing

@testable import TLReportHTML

/// The heatmaps' PNG encoder, read back by zlib and a PNG decoder of the tests' own.
@Suite struct PNGEncoderTests {
  let palette: [(UInt8, UInt8, UInt8)] = Palette.steps.map(\.rgb)

  @Test func aRandomImageReadsBackPixelForPixel() throws {
    var generator = SystemRandomNumberGenerator()
    for (width, height) in [(1, 1), (3, 2), (256, 256), (700, 5), (17, 300)] {
      // Runs, repeats of the row above and noise, so every kind of match is written.
      var pixels: [UInt8] = []
      for y in 0..<height {
        for x in 0..<width {
          switch (y % 3, x / 7 % 3) {
          case (0, _): pixels.append(UInt8.random(in: 0..<8, using: &generator))
          case (1, 0): pixels.append(3)
          default: pixels.append(y > 0 ? pixels[(y - 1) * width + x] : 1)
          }
        }
      }
      let png = PNGEncoder.indexed(width: width, height: height, pixels: pixels, palette: palette)
      let image = try PNGImage(decoding: png)
      #expect(image.width == width && image.height == height)
      for (index, value) in pixels.enumerated() {
        let (r, g, b, a) = image.pixel(index % width, index / width)
        let expected = palette[Int(value)]
        if (r, g, b, a) != (expected.0, expected.1, expected.2, 255) {
          Issue.record("pixel \(index) of \(width)×\(height): \((r, g, b)) for palette entry \(value)")
          break
        }
      }
    }
  }

  @Test func aUniformPictureCompressesToAFewHundredBytes() {
    let png = PNGEncoder.indexed(
      width: 256, height: 256, pixels: [UInt8](repeating: 6, count: 65_536), palette: palette)
    #expect(png.count < 1_000, "\(png.count) bytes for 65,536 equal pixels")
  }
}
