#include "floe/io/s3_store.h"

#include <deque>
#include <future>
#include <mutex>
#include <random>

namespace floe::io {
namespace {

constexpr uint64_t kMaxPartSize = 5ull << 30;
constexpr int kMaxParts = 10000;

std::string RandomToken() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

class S3File final : public RandomAccessFile {
 public:
  S3File(std::shared_ptr<S3Client> client, std::string bucket, std::string key, std::string name,
         uint64_t size, std::string etag)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        name_(std::move(name)),
        size_(size),
        etag_(std::move(etag)) {}

  const std::string& name() const override { return name_; }
  Result<uint64_t> Size() override { return size_; }

  Result<std::string> ReadAt(uint64_t offset, uint64_t length) override {
    if (offset > size_ || length > size_ - offset) {
      return Status::Corruption("{}: read of {} bytes at offset {} is past the end ({} bytes)",
                                name_, length, offset, size_);
    }
    if (length == 0) return std::string();
    return client_->GetRange(bucket_, key_, offset, length, etag_);
  }

  Result<std::vector<std::string>> ReadRanges(const std::vector<ByteRange>& ranges,
                                              const CoalesceOptions& opts) override {
    return ReadRangesParallel(*this, ranges, opts, client_->options().read_concurrency);
  }

 private:
  const std::shared_ptr<S3Client> client_;
  const std::string bucket_;
  const std::string key_;
  const std::string name_;
  const uint64_t size_;
  const std::string etag_;  // empty when the size came from the caller
};

// Buffers a part at a time; see S3Store's comment for the commit protocol.
class S3WritableFile final : public WritableFile {
 public:
  S3WritableFile(std::shared_ptr<S3Client> client, std::string bucket, std::string key,
                 std::string name)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        name_(std::move(name)) {
    buf_.reserve(PartLimit());
  }
  ~S3WritableFile() override {
    if (!done_) Abort();
  }

  const std::string& name() const override { return name_; }
  uint64_t Tell() const override { return total_; }

  Status Append(std::string_view data) override {
    FLOE_RETURN_IF_ERROR(error_);
    if (done_) return Status::IOError("{}: append after close or abort", name_);
    total_ += data.size();
    while (!data.empty()) {
      // A full buffer becomes a part only once more bytes arrive, so an object of
      // exactly one part size is still a single PUT.
      if (buf_.size() >= PartLimit()) {
        if (Status st = StartPart(); !st.ok()) {
          Abort();  // no half object, and no parts left behind on the server
          return st;
        }
      }
      const size_t take = std::min<size_t>(data.size(), PartLimit() - buf_.size());
      buf_.append(data.substr(0, take));
      data.remove_prefix(take);
    }
    return Status::OK();
  }

  Status Close() override {
    FLOE_RETURN_IF_ERROR(error_);
    if (done_) return Status::IOError("{}: close after close or abort", name_);
    if (upload_id_.empty()) {
      done_ = true;
      Result<std::string> r = client_->Put(bucket_, key_, buf_, {});
      buf_ = std::string();
      return r.status();
    }
    Status st = buf_.empty() ? Status::OK() : StartPart();
    while (st.ok() && !in_flight_.empty()) st = WaitOldest();
    if (st.ok()) {
      st = client_->CompleteMultipartUpload(bucket_, key_, upload_id_, etags_, total_);
    }
    if (!st.ok()) {
      Abort();
      return st;
    }
    done_ = true;
    return Status::OK();
  }

  void Abort() override {
    done_ = true;
    while (!in_flight_.empty()) (void)WaitOldest();
    if (!upload_id_.empty()) {
      (void)client_->AbortMultipartUpload(bucket_, key_, upload_id_);
      upload_id_.clear();
    }
    buf_ = std::string();
  }

 private:
  // Part size for the next part: doubles every 1000 parts (10,000 parts allowed).
  uint64_t PartLimit() const {
    const uint64_t base = client_->options().part_size;
    const int doublings = std::min(part_count_ / 1000, 20);
    return std::min(kMaxPartSize, base << doublings);
  }

  // Hands the buffer to a background upload (starting the multipart upload first).
  Status StartPart() {
    if (upload_id_.empty()) {
      Result<std::string> id = client_->CreateMultipartUpload(bucket_, key_);
      if (!id.ok()) return error_ = id.status();
      upload_id_ = *id;
    }
    if (part_count_ >= kMaxParts) {
      return error_ = Status::ResourceExhausted("{}: more than {} parts", name_, kMaxParts);
    }
    while (static_cast<int>(in_flight_.size()) >= client_->options().upload_concurrency) {
      if (Status st = WaitOldest(); !st.ok()) return error_ = st;
    }
    const int part_number = ++part_count_;
    etags_.emplace_back();
    in_flight_.push_back(
        {part_number,
         std::async(std::launch::async, [client = client_, bucket = bucket_, key = key_,
                                         id = upload_id_, part_number, body = std::move(buf_)]() {
           return client->UploadPart(bucket, key, id, part_number, body);
         })});
    buf_ = std::string();
    buf_.reserve(PartLimit());
    return Status::OK();
  }

  Status WaitOldest() {
    InFlight part = std::move(in_flight_.front());
    in_flight_.pop_front();
    Result<std::string> etag = part.result.get();
    if (!etag.ok()) return error_ = etag.status();
    etags_[static_cast<size_t>(part.number - 1)] = std::move(etag).value();
    return Status::OK();
  }

  struct InFlight {
    int number;
    std::future<Result<std::string>> result;
  };

  const std::shared_ptr<S3Client> client_;
  const std::string bucket_;
  const std::string key_;
  const std::string name_;
  std::string buf_;
  uint64_t total_ = 0;
  std::string upload_id_;  // empty until the first part starts
  int part_count_ = 0;
  std::vector<std::string> etags_;
  std::deque<InFlight> in_flight_;
  Status error_;
  bool done_ = false;
};

struct DefaultS3 {
  std::mutex mu;
  std::shared_ptr<S3Client> client;  // created on first use
};

DefaultS3& Defaults() {
  static DefaultS3* d = new DefaultS3();
  return *d;
}

}  // namespace

S3Store::S3Store(std::shared_ptr<S3Client> client, std::string bucket)
    : client_(std::move(client)), bucket_(std::move(bucket)), root_uri_("s3://" + bucket_) {}

Result<ObjectInfo> S3Store::Head(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  FLOE_ASSIGN_OR_RETURN(S3ObjectMeta meta, client_->Head(bucket_, key));
  return ObjectInfo{std::string(key), meta.size, meta.mtime_ms, meta.etag};
}

Result<std::unique_ptr<RandomAccessFile>> S3Store::OpenForRead(std::string_view key,
                                                               const ReadOptions& opts) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  uint64_t size = 0;
  std::string etag;
  if (opts.known_size) {
    size = *opts.known_size;
  } else {
    FLOE_ASSIGN_OR_RETURN(S3ObjectMeta meta, client_->Head(bucket_, key));
    size = meta.size;
    etag = std::move(meta.etag);
  }
  return std::unique_ptr<RandomAccessFile>(std::make_unique<S3File>(
      client_, bucket_, std::string(key), UriOf(key), size, std::move(etag)));
}

Result<std::string> S3Store::ReadAt(std::string_view key, uint64_t offset, uint64_t length) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  if (length == 0) {
    FLOE_ASSIGN_OR_RETURN(ObjectInfo info, Head(key));
    if (offset > info.size) {
      return Status::Corruption("{}: read at offset {} is past the end ({} bytes)", UriOf(key),
                                offset, info.size);
    }
    return std::string();
  }
  return client_->GetRange(bucket_, key, offset, length);
}

Result<std::string> S3Store::Get(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  std::string out;
  FLOE_RETURN_IF_ERROR(client_->Get(bucket_, key, 0, std::nullopt, {}, [&](std::string_view c) {
    out.append(c);
    return Status::OK();
  }));
  return out;
}

Status S3Store::Stream(std::string_view key, const ByteSink& sink, std::optional<ByteRange> range) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  if (range) {
    if (range->length == 0) return ReadAt(key, range->offset, 0).status();
    return client_->Get(bucket_, key, range->offset, range->length, {}, sink);
  }
  return client_->Get(bucket_, key, 0, std::nullopt, {}, sink);
}

Result<std::unique_ptr<WritableFile>> S3Store::OpenForWrite(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  return std::unique_ptr<WritableFile>(
      std::make_unique<S3WritableFile>(client_, bucket_, std::string(key), UriOf(key)));
}

Status S3Store::Put(std::string_view key, std::string_view data) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  if (data.size() <= client_->options().part_size) {
    return client_->Put(bucket_, key, data, {}).status();
  }
  return ObjectStore::Put(key, data);
}

Status S3Store::PutIfAbsent(std::string_view key, std::string_view data) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  if (!client_->options().conditional_put) {
    return Status::NotSupported(
        "{}: PutIfAbsent needs a store that honours If-None-Match, and [storage.s3] "
        "conditional_put is false",
        UriOf(key));
  }
  if (data.size() > kMaxPartSize) {
    return Status::InvalidArgument("{}: PutIfAbsent of {} bytes exceeds the 5 GiB PUT limit",
                                   UriOf(key), data.size());
  }
  S3Client::PutOptions opts;
  opts.if_none_match = true;
  opts.put_id = RandomToken();
  Result<std::string> r = client_->Put(bucket_, key, data, opts);
  if (r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("{}: object already exists", UriOf(key))
        .WithDetail(r.status().detail());
  }
  return r.status();
}

Result<ListResult> S3Store::ListPage(std::string_view prefix, std::string_view page_token,
                                     size_t max_keys) {
  return client_->List(bucket_, prefix, page_token, max_keys);
}

Status S3Store::Delete(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  return client_->Delete(bucket_, key);
}

Status S3Store::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& k : keys) FLOE_RETURN_IF_ERROR(CheckKey(k, root_uri_));
  return client_->DeleteMany(bucket_, keys);
}

Status S3Store::Copy(std::string_view src, std::string_view dst) {
  FLOE_RETURN_IF_ERROR(CheckKey(src, root_uri_));
  FLOE_RETURN_IF_ERROR(CheckKey(dst, root_uri_));
  return client_->Copy(bucket_, src, dst);
}

Status SetDefaultS3Options(S3Options options) {
  FLOE_ASSIGN_OR_RETURN(std::shared_ptr<S3Client> client, S3Client::Make(std::move(options)));
  {
    DefaultS3& d = Defaults();
    std::lock_guard lock(d.mu);
    d.client = std::move(client);
  }
  ObjectStoreRegistry::Default().RegisterScheme(
      "s3", [](std::string_view bucket) { return OpenS3StoreFromEnvironment(bucket); });
  return Status::OK();
}

Result<std::shared_ptr<ObjectStore>> OpenS3StoreFromEnvironment(std::string_view bucket) {
  DefaultS3& d = Defaults();
  std::shared_ptr<S3Client> client;
  {
    std::lock_guard lock(d.mu);
    if (d.client == nullptr) {
      FLOE_ASSIGN_OR_RETURN(S3Options opts, S3OptionsFromEnvironment());
      FLOE_ASSIGN_OR_RETURN(d.client, S3Client::Make(std::move(opts)));
    }
    client = d.client;
  }
  return std::shared_ptr<ObjectStore>(std::make_shared<S3Store>(client, std::string(bucket)));
}

}  // namespace floe::io
