import Foundation

extension HTMLPage {
  /// The page: one HTML file with its CSS inline and its pictures as `data:` PNGs and inline
  /// SVG; it loads nothing (no network, no other file, no font, no script).
  public func render() -> String {
    var out = HTMLWriter()
    out.line("<!DOCTYPE html>")
    out.line(#"<html lang="en"><head><meta charset="utf-8">"#)
    out.line("<title>\(escape(title))</title>")
    out.line("<style>\(Self.css)</style></head><body>")
    out.line("<h1>\(escape(title))</h1>")
    for line in lines { out.line(#"<p class="meta">\#(escape(line))</p>"#) }
    // Said before the table: a batch's table can be a thousand rows long.
    if let omissionNote { out.line(#"<p class="note">\#(escape(omissionNote))</p>"#) }
    if isBatch { renderTable(&out) }
    if cases.contains(where: { $0.detail?.failing.contains { $0.pictures != nil } ?? false }) {
      renderLegend(&out)
    }
    for entry in cases { renderCase(entry, &out) }
    out.line("</body></html>")
    return out.text
  }

  private func renderTable(_ out: inout HTMLWriter) {
    out.line(
      #"<h2 id="cases">Cases</h2><table class="cases"><tr><th>case</th><th>status</th><th>worst array</th><th>diagnosis</th><th>message</th></tr>"#
    )
    for entry in cases {
      let name =
        entry.detail == nil
        ? escape(entry.name) : ##"<a href="#\##(Self.anchor(forCase: entry.name))">\##(escape(entry.name))</a>"##
      out.line(
        #"<tr class="\#(escape(entry.status))"><td>\#(name)</td><td>\#(escape(entry.status))</td><td>\#(escape(entry.worstArray ?? ""))</td><td>\#(escape(entry.diagnosis ?? ""))</td><td>\#(escape(entry.message ?? ""))</td></tr>"#
      )
    }
    out.line("</table>")
  }

  private func renderLegend(_ out: inout HTMLWriter) {
    out.line(
      #"<div class="legend"><b>|actual − expected| / (atol + rtol·|expected|)</b>, the largest in each cell:"#)
    for step in Palette.steps {
      out.line(#"<span class="swatch" style="background:\#(step.hex)"></span>\#(escape(step.label))"#)
    }
    out.line("</div>")
  }

  private func renderCase(_ entry: HTMLCase, _ out: inout HTMLWriter) {
    guard let detail = entry.detail else { return }
    let anchor = Self.anchor(forCase: entry.name)
    out.line(#"<section id="\#(anchor)"><h2>\#(escape(entry.name)): \#(escape(entry.status))</h2>"#)
    if let message = entry.message { out.line(#"<p class="meta">\#(escape(message))</p>"#) }
    if let isolation = detail.isolation { renderIsolation(isolation, &out) }
    for section in detail.failing { renderArray(section, anchor: anchor, &out) }
    if let note = detail.note { out.line(#"<p class="note">\#(escape(note))</p>"#) }
    if !detail.passing.isEmpty {
      out.line(
        #"<h3>Within tolerance</h3><table class="passing"><tr><th>array</th><th>dtype</th><th>shape</th><th>largest error / tolerance</th></tr>"#
      )
      for array in detail.passing {
        out.line(
          "<tr><td>\(escape(array.name))</td><td>\(escape(array.dtype))</td><td>\(Self.shapeText(array.shape))</td><td>\(Self.number(array.maxRatio))</td></tr>"
        )
      }
      out.line("</table>")
    }
    out.line("</section>")
  }

  /// The first layer wrong by itself, then every layer's verdicts, failing ones marked.
  private func renderIsolation(_ isolation: HTMLIsolation, _ out: inout HTMLWriter) {
    out.line(#"<p class="first-wrong">\#(escape(isolation.firstWrong))</p>"#)
    out.line(
      #"<table class="isolation"><caption>each layer by itself, on the reference's own input and upstream gradient</caption>"#
        + "<tr><th>layer</th><th>type</th><th>forward</th><th>backward</th><th>failing arrays</th></tr>")
    for row in isolation.rows {
      let cells = [row.forward, row.backward].map { verdict in
        #"<td class="\#(verdict == "FAIL" ? "fail" : "")">\#(escape(verdict))</td>"#
      }
      out.line(
        "<tr><td>\(escape(row.layer))</td><td>\(escape(row.type))</td>\(cells.joined())<td>\(escape(row.failing.joined(separator: ", ")))</td></tr>"
      )
    }
    out.line("</table>")
  }

  private func renderArray(_ section: HTMLArraySection, anchor: String, _ out: inout HTMLWriter) {
    let name = section.comparison.name
    out.line(
      #"<div class="array" id="\#(Self.anchor(forArray: name, inCase: anchor))"><h3>\#(escape(name))</h3>"#)
    if !section.sentences.isEmpty {
      out.line(#"<ul class="sentences">"# + section.sentences.map { "<li>\(escape($0))</li>" }.joined() + "</ul>")
    }
    out.line(#"<pre class="verdict">\#(escape(section.verdict.joined(separator: "\n")))</pre>"#)
    if let pictures = section.pictures {
      out.line(#"<div class="pictures">"#)
      for map in pictures.heatmaps { renderHeatmap(map, &out) }
      out.line(HistogramSVG.render(pictures.histogram))
      out.line("</div>")
    }
    out.line("</div>")
  }

  private func renderHeatmap(_ map: Heatmap, _ out: inout HTMLWriter) {
    // Whole pixels per cell, each axis on its own (up to 640 px wide, 320 px tall, 16 px a
    // cell), so short axes such as T = 35 time steps still get rows one can point at.
    let width = map.columns * max(1, min(16, 640 / map.columns))
    let height = map.rows == 1 ? 24 : map.rows * max(1, min(16, 320 / map.rows))
    out.line(#"<figure class="map" style="width:\#(max(width, 160))px"><figcaption>\#(escape(map.title))</figcaption>"#)
    if !map.blocks.isEmpty {
      let blockWidth = Double(width) / Double(map.blocks.count)
      out.line(
        #"<div class="gates" style="width:\#(width)px">"#
          + map.blocks.map { #"<span style="width:\#(blockWidth)px">\#(escape($0))</span>"# }.joined() + "</div>")
    }
    out.line(#"<div class="frame" style="width:\#(width)px;height:\#(height)px">"#)
    out.line(
      #"<img class="heatmap" alt="heatmap" width="\#(width)" height="\#(height)" src="data:image/png;base64,\#(Data(map.png).base64EncodedString())">"#
    )
    for block in map.blocks.indices.dropFirst() {
      let left = Double(width) * Double(block) / Double(map.blocks.count)
      out.line(#"<div class="edge" style="left:\#(left)px"></div>"#)
    }
    out.line("</div>")
    let pooled =
      map.rowsPerCell * map.columnsPerCell > 1
      ? "; one cell: the largest of \(map.rowsPerCell) × \(map.columnsPerCell) elements (max-pooled)" : ""
    let rows = map.rowAxis.isEmpty ? "" : "rows: \(map.rowAxis); "
    out.line(#"<p class="axes">\#(escape(rows + "columns: " + map.columnAxis + pooled))</p></figure>"#)
  }

  static func shapeText(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
  }

  /// A ratio in three significant digits.
  static func number(_ value: Double) -> String { String(format: "%.3g", value) }

  static let css = """
    body{font:14px/1.4 sans-serif;margin:16px;color:#222;background:#fff}\
    h1{font-size:20px}h2{font-size:17px;border-top:1px solid #ccc;padding-top:8px}h3{font-size:15px;margin:12px 0 4px}\
    .meta{margin:2px 0;color:#444}.note{color:#7a4b00}\
    table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}\
    tr.mismatch td:nth-child(2){color:#b00}tr.error td:nth-child(2){color:#700;font-weight:bold}\
    .legend{margin:8px 0;line-height:24px}.swatch{display:inline-block;width:14px;height:14px;margin:0 4px 0 12px;\
    vertical-align:middle;border:1px solid #888}\
    pre.verdict{background:#f6f6f6;padding:6px;margin:4px 0;white-space:pre-wrap}\
    .pictures{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}figure.map{margin:0}\
    figcaption,.axes{font-size:12px;color:#444;margin:2px 0}\
    .frame{position:relative}img.heatmap{image-rendering:pixelated;image-rendering:crisp-edges;display:block}\
    .edge{position:absolute;top:0;bottom:0;width:0;border-left:2px solid #fff}\
    .gates{display:flex;font-weight:bold;font-size:12px}.gates span{text-align:center;display:inline-block}\
    ul.sentences{margin:4px 0;padding-left:20px;font-weight:bold}\
    p.first-wrong{font-weight:bold;margin:6px 0}table.isolation caption{text-align:left;font-size:12px;color:#444}\
    table.isolation td.fail{color:#b00;font-weight:bold}svg.histogram rect{stroke:#666;stroke-width:.5}
    """
}

/// The page's text, built line by line.
struct HTMLWriter {
  var text = ""
  mutating func line(_ line: String) {
    text += line
    text += "\n"
  }
}

/// Text made safe in HTML content and attribute values.
func escape(_ text: String) -> String {
  var result = ""
  result.reserveCapacity(text.utf8.count)
  for scalar in text.unicodeScalars {
    switch scalar {
    case "&": result += "&amp;"
    case "<": result += "&lt;"
    case ">": result += "&gt;"
    case "\"": result += "&quot;"
    case "'": result += "&#39;"
    case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": result += "\u{FFFD}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result
}
