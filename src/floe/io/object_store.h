// ObjectStore: the one storage interface of floe. A store holds objects under
// string keys ("a/b/c.parquet"; no directories, '/' is just a character that
// List prefixes usually end at). Backends: local disk (local_store.h), memory
// (memory_store.h), S3-compatible services (s3_store.h) and a fault-injecting
// wrapper for tests (fault_store.h). Code above io/ names objects by URI and
// calls the free functions at the bottom of this header:
//
//   /abs/path, rel/path, file:///abs/path   local disk (relative paths: against the cwd)
//   memory://NAME/key                       a process-wide in-memory store called NAME
//   s3://BUCKET/key                         S3 (settings: s3_options.h, docs/storage.md)
//
// Contract for every implementation (docs/storage.md has the long form):
// - Thread-safety: every ObjectStore method may be called concurrently. The files it
//   returns follow file.h (RandomAccessFile thread-safe, WritableFile single-thread).
// - Ownership: the RandomAccessFile/WritableFile a store returns owns (or shares)
//   everything it needs and may outlive the store object. Stores handed out by the
//   registry are cached there until Unmount or process exit.
// - Atomicity: a writer publishes on Close() with all its bytes or not at all.
// - Errors: NotFound for a missing object, AlreadyExists from PutIfAbsent, retryable()
//   set on errors worth repeating (throttling, 5xx, dropped connections); remote errors
//   carry the service's error code and request id in Status::detail().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"
#include "floe/io/file.h"

namespace floe::io {

// Metadata of one object.
struct ObjectInfo {
  std::string key;       // relative to the store root
  uint64_t size = 0;     // bytes
  int64_t mtime_ms = 0;  // last modification, ms since the Unix epoch (0 when unknown)
  std::string etag;      // opaque version tag (S3 ETag without quotes; may be empty)
  bool operator==(const ObjectInfo&) const = default;
};

// One page of a listing, keys in ascending byte order.
struct ListResult {
  std::vector<ObjectInfo> objects;
  // Pass to the next ListPage call; empty when this was the last page.
  std::string next_token;
};

struct ReadOptions {
  // The object's size when the caller already knows it (an Iceberg manifest records
  // it), saving the HEAD request on remote stores. Not verified.
  std::optional<uint64_t> known_size;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // The URI of the store root without a trailing slash ("s3://bucket", "file://",
  // "memory://tests"); UriOf(key) is root_uri() + "/" + key.
  virtual const std::string& root_uri() const = 0;
  std::string UriOf(std::string_view key) const;

  // Metadata of `key`; NotFound when absent.
  virtual Result<ObjectInfo> Head(std::string_view key) = 0;
  Result<uint64_t> Size(std::string_view key);

  // Opens `key` for positional reads. NotFound when absent (unless opts.known_size is
  // given to a remote store, which then reports NotFound at the first read).
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view key,
                                                                const ReadOptions& opts = {}) = 0;
  // Reads `length` bytes at `offset` of `key` (one ranged GET on S3). Past the end is
  // kCorruption, as in RandomAccessFile::ReadAt.
  virtual Result<std::string> ReadAt(std::string_view key, uint64_t offset, uint64_t length);
  // Reads several ranges of `key`: merged per `opts`, the merged reads issued in
  // parallel on remote stores. Result i holds range i.
  Result<std::vector<std::string>> ReadRanges(std::string_view key,
                                              const std::vector<ByteRange>& ranges,
                                              const CoalesceOptions& opts = {});
  // The whole object (streamed into one string).
  virtual Result<std::string> Get(std::string_view key);
  // Passes the bytes of `key` (all of it, or `range`) to `sink` in order, chunk by
  // chunk, never holding the whole object: the way to copy large objects. A range
  // past the end is kCorruption. An error from `sink` stops the read and is returned.
  using ByteSink = std::function<Status(std::string_view)>;
  virtual Status Stream(std::string_view key, const ByteSink& sink,
                        std::optional<ByteRange> range = std::nullopt);

  // Starts a buffered writer for `key`; nothing is visible until Close() returns OK
  // (local: temp file + fsync + rename + directory fsync; S3: one PUT for small
  // objects, multipart above the part size, aborted on failure). Replaces `key`.
  virtual Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view key) = 0;
  // Writes `data` as `key` (replacing it) through OpenForWrite.
  virtual Status Put(std::string_view key, std::string_view data);
  // Creates `key` holding `data` only if `key` does not exist: AlreadyExists otherwise.
  // Atomic on local disk, memory, and S3 services that honour `If-None-Match: *`
  // (see S3Options::conditional_put for the others). Of concurrent callers exactly
  // one gets OK.
  virtual Status PutIfAbsent(std::string_view key, std::string_view data) = 0;

  // One page (at most `max_keys`, capped at 1000) of the objects whose keys start
  // with `prefix`, after the position `page_token` (from the previous page; "" first).
  virtual Result<ListResult> ListPage(std::string_view prefix, std::string_view page_token,
                                      size_t max_keys = 1000) = 0;
  // Every object under `prefix`, all pages, ascending by key.
  Result<std::vector<ObjectInfo>> List(std::string_view prefix);

  // Removes `key`. Deleting an absent key is OK (as on S3).
  virtual Status Delete(std::string_view key) = 0;
  // Removes every key (S3: DeleteObjects, 1000 keys per request). Absent keys are OK.
  virtual Status DeleteMany(const std::vector<std::string>& keys);
  // Copies `src` to `dst` inside this store (server-side on S3), replacing `dst`.
  virtual Status Copy(std::string_view src, std::string_view dst) = 0;
};

// OK when `key` can name an object: 1 to 1024 bytes, no NUL. `where` names the store
// in the error.
Status CheckKey(std::string_view key, std::string_view where);

// A URI split into its parts: "s3://bucket/a/b" -> {"s3", "bucket", "a/b"}.
// Plain paths become {"file", "", "/abs/path"} (relative ones made absolute).
struct ParsedUri {
  std::string scheme;
  std::string authority;
  std::string path;  // local: absolute path; others: the key (no leading '/')
};
Result<ParsedUri> ParseUri(std::string_view uri);

// A store and the key inside it that a URI names.
struct ResolvedUri {
  std::shared_ptr<ObjectStore> store;
  std::string key;
};

// Maps URI schemes to stores. Stores are created on first use per (scheme,
// authority) and cached for the life of the registry. Thread-safe.
class ObjectStoreRegistry {
 public:
  // Creates the store for one authority (an S3 bucket, a memory store name; "" for file).
  using Factory = std::function<Result<std::shared_ptr<ObjectStore>>(std::string_view authority)>;

  // Registers "file", "memory" and "s3" (S3 settings from the environment, see s3_options.h).
  ObjectStoreRegistry();
  // The registry the free functions below use.
  static ObjectStoreRegistry& Default();

  // Sets the factory for `scheme`, dropping cached stores of that scheme.
  void RegisterScheme(std::string scheme, Factory factory);
  // Makes scheme://authority resolve to `store` (tests mount a FaultStore this way).
  void Mount(std::string scheme, std::string authority, std::shared_ptr<ObjectStore> store);
  // Forgets a mounted or cached store.
  void Unmount(const std::string& scheme, const std::string& authority);

  Result<ResolvedUri> Resolve(std::string_view uri);

 private:
  std::mutex mu_;
  std::map<std::string, Factory> factories_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<ObjectStore>> stores_;
};

// Entry points for the rest of floe; all resolve through ObjectStoreRegistry::Default().
Result<ResolvedUri> ResolveUri(std::string_view uri);
// Opens the object `uri` names for reading (see ObjectStore::OpenForRead).
Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view uri,
                                                      const ReadOptions& opts = {});
// Starts an atomic writer for `uri` (see ObjectStore::OpenForWrite).
Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view uri);
// Removes the object `uri` names (see ObjectStore::Delete: an absent object is OK).
Status Delete(std::string_view uri);

}  // namespace floe::io
