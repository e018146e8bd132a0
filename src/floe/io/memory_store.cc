#include "floe/io/memory_store.h"

#include <algorithm>
#include <chrono>

namespace floe::io {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ObjectInfo InfoOf(std::string_view key, const MemoryStore::Object& o) {
  return ObjectInfo{std::string(key), o.data->size(), o.mtime_ms, std::to_string(o.version)};
}

void Publish(MemoryStore::State& state, std::string_view key,
             std::shared_ptr<const std::string> data) {
  std::lock_guard lock(state.mu);
  MemoryStore::Object& o = state.objects[std::string(key)];
  o.data = std::move(data);
  o.mtime_ms = NowMs();
  o.version = state.next_version++;
}

class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(std::shared_ptr<MemoryStore::State> state, std::string key, std::string name)
      : state_(std::move(state)), key_(std::move(key)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Status Append(std::string_view data) override {
    if (done_) return Status::IOError("{}: append after close or abort", name_);
    buf_.append(data);
    return Status::OK();
  }
  uint64_t Tell() const override { return done_ ? closed_size_ : buf_.size(); }
  Status Close() override {
    if (done_) return Status::IOError("{}: close after close or abort", name_);
    done_ = true;
    closed_size_ = buf_.size();
    Publish(*state_, key_, std::make_shared<const std::string>(std::move(buf_)));
    return Status::OK();
  }
  void Abort() override {
    done_ = true;
    buf_.clear();
  }

 private:
  std::shared_ptr<MemoryStore::State> state_;
  std::string key_;
  std::string name_;
  std::string buf_;
  uint64_t closed_size_ = 0;  // Tell() after Close: the published size, as for other stores
  bool done_ = false;
};

// A RandomAccessFile over one immutable snapshot of an object.
class MemoryFile final : public RandomAccessFile {
 public:
  MemoryFile(std::shared_ptr<const std::string> data, std::string name)
      : data_(std::move(data)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Result<uint64_t> Size() override { return static_cast<uint64_t>(data_->size()); }
  Result<std::string> ReadAt(uint64_t offset, uint64_t length) override {
    if (offset > data_->size() || length > data_->size() - offset) {
      return Status::Corruption("{}: read of {} bytes at offset {} is past the end ({} bytes)",
                                name_, length, offset, data_->size());
    }
    return data_->substr(offset, length);
  }

 private:
  std::shared_ptr<const std::string> data_;
  std::string name_;
};

}  // namespace

MemoryStore::MemoryStore(std::string name)
    : root_uri_("memory://" + name), state_(std::make_shared<State>()) {}

Result<ObjectInfo> MemoryStore::Head(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  std::lock_guard lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return Status::NotFound("{}: no such object", UriOf(key));
  return InfoOf(key, it->second);
}

Result<std::unique_ptr<RandomAccessFile>> MemoryStore::OpenForRead(std::string_view key,
                                                                   const ReadOptions&) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  std::shared_ptr<const std::string> data;
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->objects.find(key);
    if (it == state_->objects.end()) return Status::NotFound("{}: no such object", UriOf(key));
    data = it->second.data;
  }
  return std::unique_ptr<RandomAccessFile>(std::make_unique<MemoryFile>(data, UriOf(key)));
}

Result<std::string> MemoryStore::Get(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  std::lock_guard lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return Status::NotFound("{}: no such object", UriOf(key));
  return *it->second.data;
}

Result<std::unique_ptr<WritableFile>> MemoryStore::OpenForWrite(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  return std::unique_ptr<WritableFile>(
      std::make_unique<MemoryWritableFile>(state_, std::string(key), UriOf(key)));
}

Status MemoryStore::Put(std::string_view key, std::string_view data) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  Publish(*state_, key, std::make_shared<const std::string>(data));
  return Status::OK();
}

Status MemoryStore::PutIfAbsent(std::string_view key, std::string_view data) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  auto bytes = std::make_shared<const std::string>(data);
  std::lock_guard lock(state_->mu);
  auto [it, inserted] = state_->objects.try_emplace(std::string(key));
  if (!inserted) return Status::AlreadyExists("{}: object already exists", UriOf(key));
  it->second.data = std::move(bytes);
  it->second.mtime_ms = NowMs();
  it->second.version = state_->next_version++;
  return Status::OK();
}

Result<ListResult> MemoryStore::ListPage(std::string_view prefix, std::string_view page_token,
                                         size_t max_keys) {
  max_keys = std::clamp<size_t>(max_keys, 1, 1000);
  ListResult out;
  std::lock_guard lock(state_->mu);
  // The token is the last key of the previous page.
  auto it = page_token.empty() ? state_->objects.lower_bound(prefix)
                               : state_->objects.upper_bound(page_token);
  for (; it != state_->objects.end() && it->first.starts_with(prefix); ++it) {
    if (out.objects.size() == max_keys) {
      out.next_token = out.objects.back().key;
      break;
    }
    out.objects.push_back(InfoOf(it->first, it->second));
  }
  return out;
}

Status MemoryStore::Delete(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  std::lock_guard lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it != state_->objects.end()) state_->objects.erase(it);
  return Status::OK();
}

Status MemoryStore::Copy(std::string_view src, std::string_view dst) {
  FLOE_RETURN_IF_ERROR(CheckKey(src, root_uri_));
  FLOE_RETURN_IF_ERROR(CheckKey(dst, root_uri_));
  std::shared_ptr<const std::string> data;
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->objects.find(src);
    if (it == state_->objects.end()) return Status::NotFound("{}: no such object", UriOf(src));
    data = it->second.data;
  }
  Publish(*state_, dst, std::move(data));
  return Status::OK();
}

void MemoryStore::Clear() {
  std::lock_guard lock(state_->mu);
  state_->objects.clear();
}

size_t MemoryStore::object_count() const {
  std::lock_guard lock(state_->mu);
  return state_->objects.size();
}

uint64_t MemoryStore::total_bytes() const {
  std::lock_guard lock(state_->mu);
  uint64_t n = 0;
  for (const auto& [k, o] : state_->objects) n += o.data->size();
  return n;
}

}  // namespace floe::io
