// LocalStore: objects as files below a root directory (file:// URIs, plain paths).
#pragma once

#include <string>

#include "floe/io/local_file.h"
#include "floe/io/object_store.h"

namespace floe::io {

// Key "a/b/c" is the file <root>/a/b/c; directories are created on write and left
// in place on delete. Unlike S3, a key cannot also be a "directory" of other keys:
// with "a/b" stored, writing "a/b/c" fails (and the reverse). Keys with empty, "." or ".." segments
// are rejected (they would alias or escape the root). Writers' temp files ("<key>.tmp.<16 hex>")
// are hidden from List. Thread-safe; files it returns own their descriptors.
class LocalStore final : public ObjectStore {
 public:
  // `root` is an absolute directory ("/" for the whole file system).
  explicit LocalStore(std::string root, LocalWriteOptions opts = {});

  const std::string& root_uri() const override { return root_uri_; }
  // The file path of `key`.
  std::string PathOf(std::string_view key) const;

  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view key,
                                                        const ReadOptions& opts = {}) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view key) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  // Walks the directory holding the prefix's last '/' recursively; each page call
  // walks again and skips to the token (the last key of the previous page).
  Result<ListResult> ListPage(std::string_view prefix, std::string_view page_token,
                              size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  Status Copy(std::string_view src, std::string_view dst) override;

 private:
  Status CheckLocalKey(std::string_view key) const;

  std::string root_;  // without trailing '/', "" for the file-system root
  std::string root_uri_;
  LocalWriteOptions opts_;
};

}  // namespace floe::io
