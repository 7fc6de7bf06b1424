import Foundation
import TLArray
import TLCompare
import TLIO
import TLLayers
import TLSystem

extension PipelineSpec {
  static let topLevelKeys = ["version", "name", "input", "layers", "dout", "outputs", "reference", "tolerance"]

  /// Reads and strictly decodes a pipeline file: every fault names its JSON path.
  public static func load(path: String) throws(PipelineError) -> PipelineSpec {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    if exists && isDirectory.boolValue {
      let inside = (path as NSString).appendingPathComponent("pipeline.json")
      let hint =
        FileManager.default.fileExists(atPath: inside)
        ? "; did you mean \(inside)?" : "; a pipeline is a JSON file (README, \"Running a pipeline\")"
      throw PipelineError(file: path, "is a directory" + hint)
    }
    if let kind = FileKind.of(path), kind != .regular {
      // A FIFO would block the read for ever; a device or socket is no pipeline either.
      let what = kind == .fifo ? kind.description : "not a regular file"
      throw PipelineError(file: path, "is \(what); a pipeline is a JSON file")
    }
    let data: Data
    do { data = try SmallFile.read(path, limit: maximumFileSize, what: "a pipeline file") } catch {
      throw PipelineError(file: path, error.message)
    }
    return try decode(Array(data), file: path)
  }

  /// The largest pipeline file read (64 MiB): a pipeline names its arrays' files, and inline
  /// arrays are for a few numbers; a larger (perhaps sparse) file is refused before it is read.
  public static let maximumFileSize = 64 << 20

  /// Decodes the JSON text of a pipeline file; `file` is used in messages and for the default name.
  public static func decode(_ text: [UInt8], file: String) throws(PipelineError) -> PipelineSpec {
    let root: JSONValue
    do { root = try JSONParser.parse(text) } catch {
      throw PipelineError(file: file, "not valid JSON at line \(error.line), column \(error.column): \(error.message)")
    }
    let object = try JSONObjectReader(root, file: file, path: "")
    let version = try decodeVersion(object)
    let defaultName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    if version == 2 {
      let graph = try GraphSpec.decode(object)
      let spec = PipelineSpec(
        file: file, version: version, name: try object.string("name") ?? defaultName,
        input: graph.inputs[0].sources[0], layers: [], dout: nil, outputs: try decodeOutputs(object),
        reference: try nonEmpty(object, "reference"),
        tolerance: try ToleranceSpec.decode(object.optional("tolerance"), file: file),
        graph: graph)
      if case .graph(let nodes, _) = graph.body {
        // Version 2 writes `out` and the grads, no `dx`: a node `out` with params is one whose
        // grads lie under /out, which this check finds; a node `dx` is no conflict.
        try checkHDF5GradNames(nodes, outputs: spec.outputs, file: file)
      }
      return spec
    }
    try object.rejectUnknownKeys(topLevelKeys)
    let layers = try decodeLayers(object)
    let dout = try object.optional("dout").map { value throws(PipelineError) in
      try SourceSpec.decode(value, file: file, path: "dout")
    }
    if dout == nil, let last = layers.last, !last.kind.isLoss {
      throw PipelineError(
        file: file, path: "dout",
        "missing: the last layer (\(last.jsonPath) \(last.kind.typeName)) is not a loss, so the upstream gradient must be given"
      )
    }
    let spec = PipelineSpec(
      file: file, version: version, name: try object.string("name") ?? defaultName,
      input: try SourceSpec.decode(try object.required("input", "the chain's first input"), file: file, path: "input"),
      layers: layers, dout: dout, outputs: try decodeOutputs(object),
      reference: try nonEmpty(object, "reference"),
      tolerance: try ToleranceSpec.decode(object.optional("tolerance"), file: file))
    try checkHDF5Names(layers, outputs: spec.outputs, file: file)
    return spec
  }

  /// In an `.h5` output a layer's results are datasets in a group of its name (`lstm.dWx` is
  /// `/lstm/dWx`), beside the datasets `/out` and `/dx` of a chain: one named `out` or `dx`
  /// would need a group where that dataset is, which libhdf5 refuses only when writing, after
  /// everything was computed. Refused here, at the name.
  private static func checkHDF5Names(_ layers: [LayerSpec], outputs: String, file: String) throws(PipelineError) {
    guard case .hdf5 = ArrayLocation(parsing: outputs) else { return }
    for (name, jsonPath) in layers.map({ ($0.name, $0.jsonPath) }) where ["out", "dx"].contains(name) {
      throw PipelineError(
        file: file, path: "\(jsonPath).name",
        "\"\(name)\" cannot have its results in the .h5 outputs \"\(outputs)\": they would be the group /\(name),"
          + " where the \(name) result is a dataset (rename it, or write .npy/.npz)")
    }
  }

  /// A graph's node names may hold dots, and in an `.h5` a dot becomes a group: a node
  /// `out.lstm` puts its grads under /out, the dataset of the loss, and a node `affine.dW` its
  /// own under /affine/dW, the dataset of node `affine`'s grad. Every name the run writes
  /// without `--intermediates` (`out`, each layer node's grads `NODE.dPARAM`) is checked: none may lie
  /// under another, as libhdf5 would refuse only when writing.
  private static func checkHDF5GradNames(_ nodes: [NodeSpec], outputs: String, file: String) throws(PipelineError) {
    guard case .hdf5 = ArrayLocation(parsing: outputs) else { return }
    var written: [(name: String, node: NodeSpec?)] = [("out", nil)]
    for node in nodes {
      if case .layer(let kind) = node.operation { written += kind.paramNames.map { ("\(node.name).d\($0)", node) } }
    }
    for (name, node) in written {
      guard let node, let below = written.first(where: { name.hasPrefix($0.name + ".") }) else { continue }
      throw PipelineError(
        file: file, path: "\(node.jsonPath).name",
        "\"\(node.name)\" cannot have its grads in the .h5 outputs \"\(outputs)\": \(name) would be under"
          + " /\(below.name.replacingOccurrences(of: ".", with: "/")), the dataset of \(below.name) (rename the node, or"
          + " write .npy/.npz)")
    }
  }

  /// `outputs` (default `out`) and `reference` of a pipeline file that did not decode as a
  /// whole, for removing an earlier run's outputs after the failure; nil when the file is not a
  /// regular file, not a JSON object, or those two keys are themselves bad.
  static func outputKeys(ofUndecodable path: String) -> (outputs: String, reference: String?)? {
    // Parsed leniently: a pipeline refused for a byte that is not UTF-8 still names its outputs.
    guard let data = try? SmallFile.read(path, limit: maximumFileSize, what: "a pipeline file"),
      let root = try? JSONParser.parse(Array(String(decoding: data, as: UTF8.self).utf8)),
      let object = try? JSONObjectReader(root, file: path, path: ""),
      let outputs = try? decodeOutputs(object)
    else { return nil }
    do { return (outputs, try nonEmpty(object, "reference")) } catch { return nil }
  }

  private static func decodeVersion(_ object: JSONObjectReader) throws(PipelineError) -> Int {
    let value = try object.required("version", "\(supportedVersion)")
    guard value.isIntegerLiteral, case .number(let text) = value else {
      throw object.error("version", "expected the integer 1 or 2, got \(value.kindName)")
    }
    guard let version = Int(text) else {  // an integer past Int64
      throw object.error(
        "version", "unsupported version \(text); this tl-run reads version \(supportedVersion) at most")
    }
    guard (1...supportedVersion).contains(version) else {
      throw object.error(
        "version", "unsupported version \(version); this tl-run reads version \(supportedVersion) at most")
    }
    return version
  }

  /// `outputs`: a directory, `.npz`, `.safetensors` or `.h5`. A name with another extension (`result.txt`)
  /// is refused, not made into a directory; a directory whose name has a dot ends in `/`
  /// (`out.v2/`). Unlike `tl-run convert`, an existing directory does not make it valid: the
  /// file means the same whatever is on disk, and in a batch it names a place in every case.
  private static func decodeOutputs(_ object: JSONObjectReader) throws(PipelineError) -> String {
    guard let text = try nonEmpty(object, "outputs") else { return "out" }
    let forms =
      "outputs is a path ending in .npz or .h5 (.hdf5) or .safetensors, or a directory (a name with a dot ends in /)"
    if let ext = ArrayLocation.unknownExtension(text) {
      throw object.error("outputs", "\(text): unknown extension .\(ext); \(forms)")
    }
    if ArrayLocation(parsing: text).isSingleArray {
      throw object.error("outputs", "\(text) names one array; \(forms)")
    }
    return text
  }

  private static func nonEmpty(_ object: JSONObjectReader, _ key: String) throws(PipelineError) -> String? {
    guard let text = try object.string(key) else { return nil }
    guard !text.isEmpty else { throw object.error(key, "must not be empty") }
    return text
  }

  private static func decodeLayers(_ object: JSONObjectReader) throws(PipelineError) -> [LayerSpec] {
    let value = try object.required("layers", "a non-empty list of layers")
    guard case .array(let entries) = value else {
      throw object.error("layers", "expected a list of layers, got \(value.kindName)")
    }
    guard !entries.isEmpty else { throw object.error("layers", "must hold at least one layer") }
    var layers: [LayerSpec] = []
    for (index, entry) in entries.enumerated() {
      layers.append(try LayerSpec.decode(entry, file: object.file, path: "layers[\(index)]"))
    }
    try LayerNames.assign(&layers, file: object.file)
    return layers
  }
}

extension ToleranceSpec {
  static let keys = ["rtol", "atol", "equal_nan", "check_dtype"]

  static func decode(_ value: JSONValue?, file: String) throws(PipelineError) -> ToleranceSpec {
    guard let value else { return ToleranceSpec() }
    let object = try JSONObjectReader(value, file: file, path: "tolerance")
    try object.rejectUnknownKeys(keys + ["arrays"])
    var spec = ToleranceSpec(file: try ToleranceOverride.decode(object))
    if let arrays = object.optional("arrays") {
      let perArray = try JSONObjectReader(arrays, file: file, path: "tolerance.arrays")
      for (name, entry) in perArray.members {
        let values = try JSONObjectReader(entry, file: file, path: perArray.childPath(name))
        try values.rejectUnknownKeys(keys)
        spec.arrays[name] = try ToleranceOverride.decode(values)
      }
    }
    return spec
  }
}

extension ToleranceOverride {
  static func decode(_ object: JSONObjectReader) throws(PipelineError) -> Self {
    let values = Self(
      rtol: try object.double("rtol"), atol: try object.double("atol"), equalNaN: try object.bool("equal_nan"),
      checkDType: try object.bool("check_dtype"))
    for (key, number) in [("rtol", values.rtol), ("atol", values.atol)] where (number ?? 0) < 0 {
      throw object.error(key, "must not be negative")
    }
    return values
  }
}
