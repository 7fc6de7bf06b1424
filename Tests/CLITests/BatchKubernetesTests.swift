import Foundation
import TLTestSupport
import Testing

/// The README's Indexed Job, read from README.md: its `completions`, the pod's `sh -c` text
/// and the merge pod's.
struct ReadmeIndexedJob {
  var completions: Int
  var podCommand: String
  var mergeCommand: String

  init() throws {
    let readme = try String(
      contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex(of: "```yaml"))
    let yaml = lines[start...].prefix { $0 != "```" }
    let completions = yaml.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("completions:") }
    let count = completions?.split(separator: ":", maxSplits: 1).last?.split(separator: "#").first
    self.completions = try #require(count.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    // `args: - >-` then the folded lines, more indented: YAML joins them with spaces.
    let folded = try #require(yaml.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "- >-" })
    let indent = yaml[folded + 1].prefix { $0 == " " }.count
    podCommand = yaml[(folded + 1)...].prefix { $0.prefix { $0 == " " }.count == indent }
      .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    let merge = try #require(readme.range(of: #""command":["sh","-c",""#))
    mergeCommand = String(readme[merge.upperBound...].prefix { $0 != "\"" })
  }
}

/// A pod's environment, no more: what the image sets (PATH, HOME), what Kubernetes adds to
/// every container (HOSTNAME, the service variables of the namespace) and to a pod of an
/// Indexed Job (JOB_COMPLETION_INDEX). Nothing of the host's, no SLURM_* among them.
func podEnvironment(index: Int?, binDirectory: String) -> [String: String] {
  var environment = [
    "PATH": "\(binDirectory):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
    "HOSTNAME": "tl-run-shards-\(index.map(String.init) ?? "merge")-x7k2p",
    "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
    "KUBERNETES_SERVICE_PORT_HTTPS": "443", "KUBERNETES_PORT": "tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
    "KUBERNETES_PORT_443_TCP_PORT": "443", "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1",
  ]
  if let index { environment["JOB_COMPLETION_INDEX"] = String(index) }
  return environment
}

/// Runs `sh -c command` as a container would (working directory /), the volume mounted at
/// `volume` instead of /data.
func runInPod(_ command: String, volume: URL, environment: [String: String]) throws -> ProcessResult {
  try runProcess(
    URL(fileURLWithPath: "/bin/sh"), ["-c", command.replacingOccurrences(of: "/data/", with: volume.path + "/")],
    in: URL(fileURLWithPath: "/"), environment: environment)
}

/// Every pod of the README's manifest, with exactly a pod's environment, then its merge pod:
/// every case once, the batch's verdict; a pod whose shard cannot run fails (Kubernetes
/// retries it) and leaves no report, not even an earlier run's.
@Test func readmeIndexedJobRunsAsItsPodsWould() throws {
  let job = try ReadmeIndexedJob()
  #expect(job.completions == 16)
  #expect(job.podCommand.contains("--shard-count \(job.completions)"), "\(job.podCommand)")
  #expect(job.podCommand.contains("$JOB_COMPLETION_INDEX"))
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  // The volume: /data/run holds the pipeline, its weights and cases/, as the README has it.
  let volume = batch.root.deletingLastPathComponent().appendingPathComponent("volume")
  try FileManager.default.createDirectory(at: volume, withIntermediateDirectories: true)
  try FileManager.default.moveItem(at: batch.root, to: volume.appendingPathComponent("run"))
  let run = volume.appendingPathComponent("run")
  let binDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path

  for index in 0..<job.completions {
    let pod = try runInPod(
      job.podCommand, volume: volume, environment: podEnvironment(index: index, binDirectory: binDirectory))
    #expect(pod.status == 0, "pod \(index): \(pod.stderr)")
    #expect(pod.stderr.contains("shard \(index)/16 from JOB_COMPLETION_INDEX=\(index)"), "\(pod.stderr)")
  }
  let merge = try runInPod(
    job.mergeCommand, volume: volume, environment: podEnvironment(index: nil, binDirectory: binDirectory))
  #expect(merge.status == 2, "the batch has an error case: \(merge.stdout)\(merge.stderr)")
  #expect(merge.stdout.contains("merged 16 reports"), "\(merge.stdout)")
  #expect(try reportStatuses(run.appendingPathComponent("reports/all.json").path) == fixtureStatuses)
  #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("reports/all.xml").path))

  // A pod that cannot run its shard (here: the pipeline is gone) fails, and its earlier report goes.
  try FileManager.default.moveItem(
    at: run.appendingPathComponent("pipeline.json"), to: run.appendingPathComponent("pipeline.moved"))
  let broken = try runInPod(
    job.podCommand, volume: volume, environment: podEnvironment(index: 3, binDirectory: binDirectory))
  #expect(broken.status != 0, "\(broken.stderr)")
  #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("reports/shard-3.json").path))
}
