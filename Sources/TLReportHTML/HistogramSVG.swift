import Foundation

/// The histogram of an array's error ratios as inline SVG: one bar per ``ErrorHistogram`` bin,
/// its height the logarithm of the count (so one element far out shows beside millions within),
/// blue within tolerance, red beyond it, black not finite; the count above each bar.
enum HistogramSVG {
  static func render(_ histogram: ErrorHistogram) -> String {
    let counts = histogram.counts
    let barWidth = 30
    let plotHeight = 100.0
    let top = 16.0
    let width = barWidth * counts.count + 10
    let height = Int(top + plotHeight) + 70
    let largest = log10(Double((counts.max() ?? 0) + 1))
    var svg =
      #"<figure class="map"><figcaption>histogram of |actual − expected| / tolerance (bar height: log of the count)</figcaption>"#
      + #"<svg width="\#(width)" height="\#(height)" font-size="9" font-family="sans-serif">"#
    for (bin, count) in counts.enumerated() {
      let x = 5 + bin * barWidth
      let barHeight = largest > 0 ? plotHeight * log10(Double(count + 1)) / largest : 0
      let colour =
        bin == counts.count - 1 ? "#000000" : bin >= ErrorHistogram.firstFailingBin ? "#e31a1c" : "#3182bd"
      let y = top + plotHeight - barHeight
      svg += #"<rect x="\#(x + 2)" y="\#(y)" width="\#(barWidth - 4)" height="\#(barHeight)" fill="\#(colour)">"#
      svg += "<title>\(escape(ErrorHistogram.labels[bin])): \(count)</title></rect>"
      if count > 0 { svg += #"<text x="\#(x + barWidth / 2)" y="\#(y - 3)" text-anchor="middle">\#(count)</text>"# }
      let labelY = Int(top + plotHeight) + 8
      svg +=
        #"<text transform="translate(\#(x + barWidth / 2),\#(labelY)) rotate(45)">\#(escape(ErrorHistogram.labels[bin]))</text>"#
    }
    let edge = 5 + ErrorHistogram.firstFailingBin * barWidth
    svg +=
      ##"<line x1="\##(edge)" x2="\##(edge)" y1="\##(top - 10)" y2="\##(top + plotHeight)" stroke="#888" stroke-dasharray="3,2"/>"##
    svg += #"<text x="\#(edge + 3)" y="\#(top - 4)">tolerance</text>"#
    return svg + "</svg></figure>"
  }
}
