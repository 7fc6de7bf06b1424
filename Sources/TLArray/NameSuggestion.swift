/// "Did you mean …?": the known name closest to a misspelt one, as `git` and `swift` suggest.
public enum NameSuggestion {
  /// The candidate nearest to `name` by edit distance, ignoring case (insertions, deletions,
  /// substitutions and swaps of neighbours), if it is near enough to be a plausible slip: at
  /// most a third of the longer name's length. A name that differs only in case wins over any
  /// real edit; ties go to the candidate listed first.
  ///
  /// `TimeAfine` → `TimeAffine`, `TimeLstm` → `TimeLSTM`, `lstm.dwx` → `lstm.dWx`.
  public static func nearest(to name: String, among candidates: some Sequence<String>) -> String? {
    var best: (name: String, score: Int)?
    for candidate in candidates where candidate != name {
      let distance = editDistance(Array(name.lowercased()), Array(candidate.lowercased()))
      guard distance <= max(1, max(name.count, candidate.count) / 3) else { continue }
      // A difference of case alone beats any real edit.
      let score = distance == 0 ? 1 : 2 * distance
      if score < best?.score ?? .max { best = (candidate, score) }
    }
    return best?.name
  }

  /// ` (did you mean "X"?)` for a message, or the empty string.
  public static func hint(for name: String, among candidates: some Sequence<String>) -> String {
    nearest(to: name, among: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
  }

  /// The optimal-string-alignment distance (Damerau–Levenshtein without repeated edits).
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [Int](repeating: 0, count: b.count + 1)
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], previous2[j - 2] + 1)
        }
      }
      previous2 = previous
      previous = current
    }
    return previous[b.count]
  }
}
