import TLArray

extension SourceSpec {
  /// An array source (docs/pipeline.md §2): a file string, `{"data": …, "dtype": …}`, or a scalar.
  static func decode(_ value: JSONValue, file: String, path: String) throws(PipelineError) -> SourceSpec {
    switch value {
    case .string(let text):
      guard !text.isEmpty else { throw PipelineError(file: file, path: path, "empty file name") }
      return SourceSpec(form: .file(text), jsonPath: path)
    case .number:
      return SourceSpec(
        form: .inline(try InlineArray.make(data: value, dtype: nil, file: file, path: path)), jsonPath: path)
    case .object:
      let object = try JSONObjectReader(value, file: file, path: path)
      try object.rejectUnknownKeys(["data", "dtype"])
      let data = try object.required("data", "the array's values as nested lists")
      var dtype: DType? = nil
      if let name = try object.string("dtype") {
        guard let parsed = DType(name: name) else {
          throw object.error(
            "dtype",
            "unknown dtype \"\(name)\" (expected one of: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        dtype = parsed
      }
      return SourceSpec(
        form: .inline(try InlineArray.make(data: data, dtype: dtype, file: file, path: object.childPath("data"))),
        jsonPath: path)
    default:
      throw PipelineError(
        file: file, path: path,
        "expected an array source (a file name, {\"data\": …, \"dtype\": …} or a number), got \(value.kindName)")
    }
  }
}
