/// Text from files (member names, dataset names, header keys) made safe to print: every
/// character a terminal would act on instead of showing is written as an escape, so a file
/// cannot retitle the window (`ESC ]0;…BEL`), clear the screen (`ESC[2J`) or break a message
/// that must stay on one line (`\n`, `\u{0B}`, `\u{85}`, U+2028).
public enum TerminalText {
  /// C0 controls (tab and newline included), DEL, C1 controls (U+0080–U+009F, U+0085 among
  /// them), the line and paragraph separators U+2028/U+2029, and the bidirectional overrides
  /// and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what a line shows.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// `text` with each control character (``isControl(_:)``) as `\xNN` (up to U+00FF) or
  /// `\uNNNN`, as Python's `repr` writes them; everything else, backslashes included, as is.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard isControl(scalar) else {
        out.append(scalar)
        continue
      }
      let hex = String(scalar.value, radix: 16)
      let digits = scalar.value <= 0xFF ? 2 : 4
      let escape = (scalar.value <= 0xFF ? "\\x" : "\\u") + String(repeating: "0", count: digits - hex.count) + hex
      out.append(contentsOf: escape.unicodeScalars)
    }
    return String(out)
  }
}
