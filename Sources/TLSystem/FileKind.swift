#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a name in the file system is: the one classification of `st_mode` that every reader
/// and writer uses to refuse what is not a regular file (a FIFO would block an open until a
/// writer comes, a device would read without end, a directory is no array).
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
  case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice
  /// A type `st_mode` has that none of the others is.
  case unknown

  /// The kind a `stat` mode says.
  public init(mode: mode_t) {
    switch mode & S_IFMT {
    case S_IFREG: self = .regular
    case S_IFDIR: self = .directory
    case S_IFLNK: self = .symbolicLink
    case S_IFIFO: self = .fifo
    case S_IFSOCK: self = .socket
    case S_IFCHR: self = .characterDevice
    case S_IFBLK: self = .blockDevice
    default: self = .unknown
    }
  }

  /// What `path` is, following symbolic links unless `followingLinks` is false; nil, with
  /// `errno` set, when it cannot be examined (it does not exist, a directory on the way is
  /// not searchable).
  public static func of(_ path: String, followingLinks: Bool = true) -> FileKind? {
    FileStatus(path, followingLinks: followingLinks)?.kind
  }

  /// `a directory`, `a FIFO (named pipe)`, …, for messages.
  public var description: String {
    switch self {
    case .regular: "a regular file"
    case .directory: "a directory"
    case .symbolicLink: "a symbolic link"
    case .fifo: "a FIFO (named pipe)"
    case .socket: "a socket"
    case .characterDevice: "a character device"
    case .blockDevice: "a block device"
    case .unknown: "not a regular file"
    }
  }

  /// Why a file of this kind is refused where `expected` is wanted, without the file's name:
  /// `is a FIFO (named pipe), not an HDF5 file`; `is not a regular file` for an unknown kind.
  public func refusal(expected: String) -> String {
    self == .unknown ? "is not \(expected)" : "is \(description), not \(expected)"
  }
}

/// The `stat` fields tl-run looks at, read in one call.
public struct FileStatus: Sendable, Equatable {
  public let kind: FileKind
  /// Size in bytes.
  public let size: Int64
  /// Modification time in nanoseconds since 1970.
  public let modifiedNanoseconds: Int64
  public let inode: UInt64
  /// The owner's user id.
  public let owner: UInt32

  /// The status of `path` (`stat`, or `lstat` when not `followingLinks`); nil with `errno` set
  /// when it cannot be read.
  public init?(_ path: String, followingLinks: Bool = true) {
    var info = stat()
    guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
    self.init(info)
  }

  /// The status of the open file `descriptor` (`fstat`); nil with `errno` set when it fails.
  public init?(descriptor: Int32) {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return nil }
    self.init(info)
  }

  private init(_ info: stat) {
    #if canImport(Darwin)
      let time = info.st_mtimespec
    #else
      let time = info.st_mtim
    #endif
    kind = FileKind(mode: info.st_mode)
    size = Int64(info.st_size)
    modifiedNanoseconds = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    inode = UInt64(info.st_ino)
    owner = UInt32(info.st_uid)
  }
}

/// The text of `code` (by default the current `errno`), for error messages: `No such file or
/// directory`.
public func errnoDescription(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
