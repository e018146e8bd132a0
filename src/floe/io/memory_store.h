// MemoryStore: objects in process memory, for tests and for `memory://NAME` URIs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "floe/io/object_store.h"

namespace floe::io {

// Thread-safe. Readers see the object as it was when they opened it (objects are
// immutable snapshots shared by reference); writers publish on Close(). Files the
// store returns share its state and may outlive it.
class MemoryStore final : public ObjectStore {
 public:
  explicit MemoryStore(std::string name = "memory");

  const std::string& root_uri() const override { return root_uri_; }
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view key,
                                                        const ReadOptions& opts = {}) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view key) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  Result<ListResult> ListPage(std::string_view prefix, std::string_view page_token,
                              size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  Status Copy(std::string_view src, std::string_view dst) override;

  // Removes every object.
  void Clear();
  size_t object_count() const;
  // Bytes held by all objects.
  uint64_t total_bytes() const;

  struct Object {
    std::shared_ptr<const std::string> data;
    int64_t mtime_ms = 0;
    uint64_t version = 0;  // unique per write; the etag
  };
  struct State {
    mutable std::mutex mu;
    std::map<std::string, Object, std::less<>> objects;
    uint64_t next_version = 1;
  };

 private:
  const std::string root_uri_;
  std::shared_ptr<State> state_;
};

}  // namespace floe::io
