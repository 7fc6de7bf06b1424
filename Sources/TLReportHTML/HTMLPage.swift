import TLCompare

/// Everything one `--html` page shows (docs/pipeline.md §5): a run's case, or a batch's cases
/// with a table linking to their sections. Built by the caller (``HTMLPage/render()`` turns it
/// into one self-contained page); nothing here reads files.
public struct HTMLPage: Sendable {
  /// The page's heading: `tl-run: seed (pipelines/seed/pipeline.json)`.
  public var title: String
  /// Lines under the heading: the pipeline file, the summary.
  public var lines: [String]
  /// The cases, in the batch's order (one for a run).
  public var cases: [HTMLCase]
  /// Whether to show the table of cases (a batch).
  public var isBatch: Bool
  /// Said above the sections when some failing cases have none: `Detailed sections are shown
  /// for the first 50 failing cases; 950 more are in the table only.`
  public var omissionNote: String?

  public init(title: String, lines: [String] = [], cases: [HTMLCase], isBatch: Bool, omissionNote: String? = nil) {
    self.title = title
    self.lines = lines
    self.cases = cases
    self.isBatch = isBatch
    self.omissionNote = omissionNote
  }

  /// The fragment identifier of a case's section: `case-` and the name with ASCII letters,
  /// digits, `_` and `-` kept and every other character written as `.` + its hex code + `.`
  /// (`case 1` → `case-case.20.1`), so distinct names give distinct anchors. The JUnit failure
  /// text links to it.
  public static func anchor(forCase name: String) -> String {
    var result = "case-"
    for scalar in name.unicodeScalars {
      if scalar.isASCII,
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
      {
        result.unicodeScalars.append(scalar)
      } else {
        result += "." + String(scalar.value, radix: 16) + "."
      }
    }
    return result
  }

  /// The fragment identifier of array `name`'s section in the case whose anchor is `caseAnchor`:
  /// `case-case_7.array.affine.2e.dW` (`.array.` cannot occur in an anchor: a `.` there opens
  /// a hex code).
  public static func anchor(forArray name: String, inCase caseAnchor: String) -> String {
    caseAnchor + ".array." + anchor(forCase: name).dropFirst("case-".count)
  }
}

/// One case: its row in a batch's table and, when ``detail`` is set, its section.
public struct HTMLCase: Sendable {
  public var name: String
  /// `pass`, `mismatch` or `error`, as the reports say.
  public var status: String
  /// The error, or the mismatch's summary line.
  public var message: String?
  /// The failing array with the worst verdict, for the table.
  public var worstArray: String?
  /// The kinds of mistake the diagnosis found (`transposed, scaled`), for the table; nil when
  /// it found none.
  public var diagnosis: String?
  /// The arrays' sections; nil when the case has none on this page (an error, a pass in a
  /// batch, or a failing case past the page's limit).
  public var detail: HTMLCaseDetail?

  public init(
    name: String, status: String, message: String? = nil, worstArray: String? = nil, diagnosis: String? = nil,
    detail: HTMLCaseDetail? = nil
  ) {
    self.name = name
    self.status = status
    self.message = message
    self.worstArray = worstArray
    self.diagnosis = diagnosis
    self.detail = detail
  }
}

/// A case's arrays: a section per failing array, a compact list of the others.
public struct HTMLCaseDetail: Sendable {
  public var failing: [HTMLArraySection]
  public var passing: [HTMLPassingArray]
  /// Said after the sections when some failing arrays have no pictures (the page's budget).
  public var note: String?
  /// Under `--isolate`: each layer's (version 2: node's) verdict judged by itself, shown at the
  /// top of the case's section.
  public var isolation: HTMLIsolation?

  public init(
    failing: [HTMLArraySection], passing: [HTMLPassingArray], note: String? = nil, isolation: HTMLIsolation? = nil
  ) {
    self.failing = failing
    self.passing = passing
    self.note = note
    self.isolation = isolation
  }
}

/// `--isolate`'s table (docs/pipeline.md §7): every layer or node run by itself on the
/// reference's own input and upstream gradient, and the first one wrong by itself.
public struct HTMLIsolation: Sendable, Equatable {
  /// One layer or node: its name, type, verdicts (`ok`, `FAIL`, `unchecked`) and the arrays
  /// that fail when it runs by itself.
  public struct Row: Sendable, Equatable {
    public var layer: String
    public var type: String
    public var forward: String
    public var backward: String
    public var failing: [String]

    public init(layer: String, type: String, forward: String, backward: String, failing: [String]) {
      self.layer = layer
      self.type = type
      self.forward = forward
      self.backward = backward
      self.failing = failing
    }
  }

  public var rows: [Row]
  /// `first wrong by itself: decoder.affine (backward)`, or that none is.
  public var firstWrong: String

  public init(rows: [Row], firstWrong: String) {
    self.rows = rows
    self.firstWrong = firstWrong
  }
}

/// One failing array: its verdict, what is known about why, and its pictures.
public struct HTMLArraySection: Sendable {
  public var comparison: ArrayComparison
  /// Sentences explaining the failure (the diagnosis' `summary` lines), shown first; may be empty.
  public var sentences: [String]
  /// The verdict in lines: mismatched count and share, the worst element, the tolerance and
  /// its source (``HTMLArraySection/verdictLines(_:)``).
  public var verdict: [String]
  /// Heatmaps and histogram; nil when no element was compared (shape mismatch, missing) or
  /// the page's picture budget was spent.
  public var pictures: ArrayPictures?

  public init(comparison: ArrayComparison, sentences: [String] = [], verdict: [String]? = nil, pictures: ArrayPictures?)
  {
    self.comparison = comparison
    self.sentences = sentences
    self.verdict = verdict ?? Self.verdictLines(comparison)
    self.pictures = pictures
  }

  /// What the text report says of the array (``ArrayComparison/textLines(nameWidth:)``: the
  /// mismatch count and share, the first mismatches, the largest differences, the tolerance
  /// and its source), a line per fact.
  public static func verdictLines(_ comparison: ArrayComparison) -> [String] {
    comparison.textLines().map { String($0.drop { $0 == " " }) }
  }
}

/// An array within tolerance, listed in one line.
public struct HTMLPassingArray: Sendable, Equatable {
  public var name: String
  public var dtype: String
  public var shape: [Int]
  /// The largest ``ErrorRatio`` of its elements (≤ 1).
  public var maxRatio: Double

  public init(name: String, dtype: String, shape: [Int], maxRatio: Double) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.maxRatio = maxRatio
  }
}
