import Foundation

/// Headless Chromium (Debian's `chromium` package, installed by `.ci/setup`) for the tests that
/// look at a page as a browser draws it.
public enum Chromium {
  /// `TL_CHROMIUM` when set (nil when it names no executable), else the first of `chromium`,
  /// `chromium-browser`, `google-chrome` found in `/usr/bin` or `/usr/local/bin`; nil when there
  /// is none.
  public static let path: String? = {
    if let path = ProcessInfo.processInfo.environment["TL_CHROMIUM"], !path.isEmpty {
      return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for directory in ["/usr/bin", "/usr/local/bin"]
      where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
        return "\(directory)/\(name)"
      }
    }
    return nil
  }()

  /// Whether the tests run in CI (`CI=true`, as GitHub, GitLab and most runners set it), where a
  /// missing browser is a failure, not a reason to skip.
  public static let inCI = ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")

  /// Whether a browser test should run: Chromium is there, or this is CI (where the test then
  /// fails, saying Chromium is missing).
  public static let shouldTest = path != nil || inCI

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// Draws the page at `file` in a `width` × `height` window at one device pixel per CSS pixel,
  /// in sRGB, and returns the screenshot. Chromium gets a profile directory of its own in a
  /// fresh temporary directory, and is killed (with whatever it started) after `seconds`.
  public static func screenshot(of file: URL, width: Int, height: Int, seconds: Double = 60) throws -> PNGImage {
    guard let path else {
      throw Failure(
        description:
          "headless Chromium is needed (CI=true) but not installed: run .ci/setup (Debian's chromium package) or set TL_CHROMIUM"
      )
    }
    let directory = try Fixtures.temporaryDirectory("chromium")
    defer { try? FileManager.default.removeItem(at: directory) }
    let shot = directory.appendingPathComponent("screenshot.png")
    let arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
      "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
      "--force-color-profile=srgb", "--run-all-compositor-stages-before-draw",
      "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--screenshot=\(shot.path)",
      "--window-size=\(width),\(height)", file.absoluteString,
    ]
    let result = try runProcess(
      URL(fileURLWithPath: path), arguments, in: directory, environment: ["HOME": directory.path], seconds: seconds)
    if result.timedOut { throw Failure(description: "\(path) did not finish in \(seconds) s and was killed") }
    guard result.status == 0, let data = FileManager.default.contents(atPath: shot.path) else {
      throw Failure(
        description:
          "\(path) exited with \(result.status) and no screenshot; stderr: \(result.stderr.suffix(2_000))")
    }
    return try PNGImage(decoding: Array(data))
  }
}
