import TLArray
import Testing

/// `np.result_type` for array-array operations (NumPy 2.4.6), checked case by case.
@Test(arguments: [
  (DType.float32, DType.float32, DType.float32),
  (.float32, .float64, .float64),
  (.int32, .float32, .float64),
  (.int64, .float32, .float64),
  (.int16, .float32, .float32),
  (.int8, .float16, .float16),
  (.uint8, .float16, .float16),
  (.int16, .float16, .float32),
  (.int32, .float16, .float64),
  (.bool, .float32, .float32),
  (.bool, .int8, .int8),
  (.int8, .uint8, .int16),
  (.int16, .uint16, .int32),
  (.int32, .uint32, .int64),
  (.int64, .uint64, .float64),
  (.uint8, .int32, .int32),
  (.uint32, .int16, .int64),
  (.uint16, .uint64, .uint64),
  (.int8, .int64, .int64),
])
func promotionMatchesNumPy(a: DType, b: DType, expected: DType) {
  #expect(DType.promote(a, b) == expected)
  #expect(DType.promote(b, a) == expected)
}

@Test func namesAndAliases() {
  #expect(DType(name: "f") == .float32)
  #expect(DType(name: "float") == .float64)
  #expect(DType(name: "int") == .int64)
  #expect(DType(name: "uint16") == .uint16)
  #expect(DType(name: "complex64") == nil)
  #expect(DType.float16.itemSize == 2 && DType.uint64.itemSize == 8 && DType.bool.itemSize == 1)
}

/// "Did you mean": slips of case, one letter or a swap find the name; far names find nothing.
@Test(arguments: [
  ("TimeAfine", "TimeAffine"), ("TimeLstm", "TimeLSTM"), ("lstm.dwx", "lstm.dWx"), ("TimeLSMT", "TimeLSTM"),
  ("Wz", "Wx"), ("Wzz", nil), ("Convolution", nil),
])
func nameSuggestion(_ name: String, _ expected: String?) {
  let known = ["TimeAffine", "TimeLSTM", "TimeGRU", "lstm.dWx", "lstm.dWh", "Wx", "Wh"]
  #expect(NameSuggestion.nearest(to: name, among: known) == expected)
}
