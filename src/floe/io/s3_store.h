// S3Store: ObjectStore over one bucket of an S3-compatible service (AWS S3,
// Cloudflare R2, MinIO, s3rver), through a shared S3Client.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "floe/io/object_store.h"
#include "floe/io/s3_client.h"
#include "floe/io/s3_options.h"

namespace floe::io {

// Thread-safe. Files it returns hold the client (shared_ptr) and may outlive the store.
//
// - OpenForRead: one HEAD (skipped with ReadOptions::known_size), then one ranged GET
//   per ReadAt, If-Match on the HEAD's ETag so a replaced object fails the read
//   instead of mixing versions. ReadRanges coalesces and issues up to
//   read_concurrency GETs at once.
// - OpenForWrite: buffers up to part_size; a small object is one PUT at Close, a
//   larger one a multipart upload with up to upload_concurrency parts in flight,
//   completed at Close and aborted on any failure, Abort() or destruction.
// - PutIfAbsent: PUT with If-None-Match: * (kNotSupported when
//   S3Options::conditional_put is false).
// - DeleteMany: DeleteObjects, 1000 keys per request.
class S3Store final : public ObjectStore {
 public:
  S3Store(std::shared_ptr<S3Client> client, std::string bucket);

  const std::string& root_uri() const override { return root_uri_; }
  const std::string& bucket() const { return bucket_; }
  S3Client& client() { return *client_; }

  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view key,
                                                        const ReadOptions& opts = {}) override;
  Result<std::string> ReadAt(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<std::string> Get(std::string_view key) override;
  Status Stream(std::string_view key, const ByteSink& sink,
                std::optional<ByteRange> range = std::nullopt) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view key) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  Result<ListResult> ListPage(std::string_view prefix, std::string_view page_token,
                              size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  Status Copy(std::string_view src, std::string_view dst) override;

 private:
  std::shared_ptr<S3Client> client_;
  std::string bucket_;
  std::string root_uri_;
};

// Makes s3:// URIs of the default registry use `options` from now on (one client
// shared by all buckets), dropping the S3 stores cached so far. Until this is
// called the registry uses S3OptionsFromEnvironment().
Status SetDefaultS3Options(S3Options options);

// The store for `bucket` with the options from SetDefaultS3Options or, when that was
// never called, the environment.
Result<std::shared_ptr<ObjectStore>> OpenS3StoreFromEnvironment(std::string_view bucket);

}  // namespace floe::io
