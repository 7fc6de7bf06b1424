import TLArray

/// The outcome of comparing a run's outputs with a reference collection, one entry per name.
public struct CollectionComparison: Sendable, Equatable {
  /// Every array of either side, sorted by name.
  public var arrays: [ArrayComparison]

  public init(arrays: [ArrayComparison]) {
    self.arrays = arrays.sorted { $0.name < $1.name }
  }

  /// Arrays compared and within tolerance.
  public var passed: Int { arrays.count { $0.status == .pass } }
  /// Arrays that differ, are missing, or mismatch in shape or dtype.
  public var failed: Int { arrays.count { $0.status.isFailure } }
  /// Outputs with no reference.
  public var unchecked: Int { arrays.count { $0.status == .unchecked } }
  /// Arrays that had a reference: passed plus failed.
  public var compared: Int { passed + failed }

  /// Whether the reference held no array at all: nothing could be checked.
  public var referenceIsEmpty: Bool { arrays.allSatisfy { $0.status == .unchecked } }

  /// Whether something was compared and all of it is within tolerance. An empty reference is
  /// not a pass: it checked nothing.
  public var isPass: Bool { failed == 0 && !referenceIsEmpty }

  /// The process exit status, as `diff` uses it: 0 everything compared is within tolerance,
  /// 1 any array differs, is missing, mismatches in shape or dtype, or the reference is empty.
  public var exitStatus: Int32 { isPass ? 0 : 1 }
}

/// Compares each reference array with the output of the same name, using the tolerance
/// `policy` resolves for that name and the reference's dtype.
///
/// A reference with no output fails as ``ArrayComparison/Status/missing``; an output with no
/// reference is listed as ``ArrayComparison/Status/unchecked``. When a name repeats on one side
/// the first array of that name is used, as a dictionary built from the file would keep it.
public func compareCollections(
  actual: [(name: String, array: NDArray)], expected: [(name: String, array: NDArray)],
  policy: TolerancePolicy = .defaults
) -> CollectionComparison {
  let outputs = Dictionary(
    actual.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
  let references = Dictionary(
    expected.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
  var results: [ArrayComparison] = []
  for (name, reference) in references {
    guard let output = outputs[name] else {
      let tolerance = policy.tolerance(for: name, expected: reference)
      var missing = ArrayComparison(
        name: name, status: .missing, expectedDType: reference.dtype,
        expectedShape: reference.shape, tolerance: tolerance)
      let unmatched = actual.map(\.name).filter { references[$0] == nil }
      missing.suggestion = NameSuggestion.nearest(to: name, among: unmatched)
      results.append(missing)
      continue
    }
    let tolerance = policy.tolerance(for: name, expected: reference, actualDType: output.dtype)
    results.append(
      compareArray(name: name, actual: output, expected: reference, tolerance: tolerance))
  }
  for (name, output) in outputs where references[name] == nil {
    results.append(
      ArrayComparison(name: name, status: .unchecked, dtype: output.dtype, shape: output.shape))
  }
  return CollectionComparison(arrays: results)
}
