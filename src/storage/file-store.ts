/**
 * The file-system abstraction under Quiver's durable state. Paths are relative to the store's root
 * and use POSIX separators (`wal/00000000000000000001.log`); `..` may not leave the root.
 * A local directory implements it now (`LocalFileStore`); object storage (S3) later.
 *
 * Durability contract: `writeFileAtomic` and `AppendFile.sync` return only once the data is on
 * stable storage. A new file's directory entry is durable only after `syncDir` of its directory
 * (`writeFileAtomic` does that itself). Every failure is a `MilvusError` with code 2100 (io failed).
 */
export interface FileStore {
  /** The whole file. */
  readFile(path: string): Promise<Uint8Array>
  /**
   * Replaces `path` with `data` so that a crash leaves either the old or the new content: writes a
   * temporary file in the same directory, fsyncs it, renames it over `path`, fsyncs the directory.
   */
  writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void>
  /** Creates or replaces `path` with `data` and fsyncs it (not atomic: for new immutable files). */
  writeFile(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void>
  /** Opens `path` for appending at its end, creating it if missing. */
  openAppend(path: string): Promise<AppendFile>
  /** Entry names in `dir`, sorted by code unit; [] if `dir` does not exist. */
  list(dir: string): Promise<string[]>
  /** Every file below `dir` (at any depth) with its size and modification time, sorted by path; [] if `dir` does not exist. */
  listFiles(dir: string): Promise<StoredFile[]>
  exists(path: string): Promise<boolean>
  /** Removes a file; no error if it is missing. */
  remove(path: string): Promise<void>
  /** Removes a directory and everything below it; no error if it is missing. */
  removeDir(path: string): Promise<void>
  /** Creates `dir` and its missing parents (and makes the new entries durable). */
  mkdirp(dir: string): Promise<void>
  /** Size of a file in bytes. */
  size(path: string): Promise<number>
  /** Makes the entries of `dir` (created, renamed, removed files) durable. */
  syncDir(dir: string): Promise<void>
}

/** A file found by `listFiles`: what garbage collection and `quiver inspect` need of it. */
export interface StoredFile {
  /** Store-relative POSIX path (`segments/3/7-e12-100.arrow`). */
  readonly path: string
  readonly sizeBytes: number
  /** Last modification, ms since the Unix epoch (S3: the object's LastModified, whole seconds). */
  readonly modifiedMs: number
}

/** A file open for appending; one writer at a time. */
export interface AppendFile {
  /** Current size in bytes (where the next `append` writes). */
  readonly size: number
  /** Writes `chunks` at the end, in order, with as few system calls as possible (writev). */
  append(chunks: readonly Uint8Array[]): Promise<void>
  /** Makes everything appended so far durable (fdatasync). */
  sync(): Promise<void>
  /** Cuts the file to `size` bytes; later appends write from there. */
  truncate(size: number): Promise<void>
  close(): Promise<void>
}
