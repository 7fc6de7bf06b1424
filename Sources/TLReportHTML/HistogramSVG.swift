import Foundation

/// The histogram of an array's error ratios as inline SVG: one bar per ``ErrorHistogram`` bin,
/// its height the logarithm of the count (so one element far out shows beside millions within),
/// each bar in the legend's colour (``Palette``) of the decade it covers: blues within
/// tolerance, yellow, orange, red and dark red beyond it, black not finite; the count above each
/// bar and the bin's label centred under it (the group's `text-anchor`), on two lines where it is a
/// range; the bars' outline is the page's CSS (`svg.histogram rect`).
enum HistogramSVG {
  static let barWidth = 40

  static func render(_ histogram: ErrorHistogram) -> String {
    let counts = histogram.counts
    let plotHeight = 100.0
    let top = 16.0
    let width = barWidth * counts.count + 10
    let height = Int(top + plotHeight) + 34
    let largest = log10(Double((counts.max() ?? 0) + 1))
    var svg =
      #"<figure class="map"><figcaption>histogram of |actual − expected| / tolerance (bar height: log of the count)</figcaption>"#
      + #"<svg class="histogram" width="\#(width)" height="\#(height)" font-size="10" font-family="sans-serif">"#
      + #"<g text-anchor="middle">"#
    for (bin, count) in counts.enumerated() {
      let x = 5 + bin * barWidth
      let barHeight = largest > 0 ? plotHeight * log10(Double(count + 1)) / largest : 0
      let y = top + plotHeight - barHeight
      svg +=
        ##"<rect x="\##(x + 2)" y="\##(y)" width="\##(barWidth - 4)" height="\##(barHeight)" fill="\##(colour(ofBin: bin))">"##
      svg += "<title>\(escape(ErrorHistogram.labels[bin])): \(count)</title></rect>"
      let centre = x + barWidth / 2
      if count > 0 { svg += #"<text x="\#(centre)" y="\#(y - 3)">\#(count)</text>"# }
      for (line, text) in labelLines(bin).enumerated() {
        let labelY = Int(top + plotHeight) + 12 + 12 * line
        svg += #"<text x="\#(centre)" y="\#(labelY)">\#(escape(text))</text>"#
      }
    }
    svg += "</g>"
    let edge = 5 + ErrorHistogram.firstFailingBin * barWidth
    svg +=
      ##"<line x1="\##(edge)" x2="\##(edge)" y1="\##(top - 10)" y2="\##(top + plotHeight)" stroke="#888" stroke-dasharray="3,2"/>"##
    svg += #"<text x="\#(edge + 3)" y="\#(top - 4)">tolerance</text>"#
    return svg + "</svg></figure>"
  }

  /// The legend's colour of the ratios a bin holds: the ``Palette`` step of its largest ratio
  /// (a decade bin lies within one step: the steps' edges are decade edges).
  static func colour(ofBin bin: Int) -> String {
    let last = ErrorHistogram.labels.count - 1
    let largest: Float
    switch bin {
    case last: largest = .nan
    case last - 1: largest = .greatestFiniteMagnitude
    case 0, 1: largest = 1e-6
    default: largest = Float(ErrorHistogram.upperEdges[bin - 2])
    }
    return Palette.steps[Int(Palette.index(of: largest))].hex
  }

  /// A bin's label in lines short enough for its bar: `1e-6 –` over `1e-5`, `not` over `finite`.
  static func labelLines(_ bin: Int) -> [String] {
    let label = ErrorHistogram.labels[bin]
    if let range = label.range(of: " – ") {
      return [String(label[..<range.lowerBound]) + " –", String(label[range.upperBound...])]
    }
    return label.split(separator: " ").count > 1 && label.count > 6
      ? label.split(separator: " ").map(String.init) : [label]
  }
}
