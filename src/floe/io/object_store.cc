#include "floe/io/object_store.h"

#include <algorithm>
#include <filesystem>

#include "floe/io/local_store.h"
#include "floe/io/memory_store.h"
#include "floe/io/s3_store.h"

namespace floe::io {

std::string ObjectStore::UriOf(std::string_view key) const {
  std::string uri = root_uri();
  uri.push_back('/');
  uri.append(key);
  return uri;
}

Result<uint64_t> ObjectStore::Size(std::string_view key) {
  FLOE_ASSIGN_OR_RETURN(ObjectInfo info, Head(key));
  return info.size;
}

Result<std::string> ObjectStore::ReadAt(std::string_view key, uint64_t offset, uint64_t length) {
  FLOE_ASSIGN_OR_RETURN(auto file, OpenForRead(key));
  return file->ReadAt(offset, length);
}

Result<std::vector<std::string>> ObjectStore::ReadRanges(std::string_view key,
                                                         const std::vector<ByteRange>& ranges,
                                                         const CoalesceOptions& opts) {
  FLOE_ASSIGN_OR_RETURN(auto file, OpenForRead(key));
  return file->ReadRanges(ranges, opts);
}

Result<std::string> ObjectStore::Get(std::string_view key) {
  FLOE_ASSIGN_OR_RETURN(auto file, OpenForRead(key));
  FLOE_ASSIGN_OR_RETURN(const uint64_t size, file->Size());
  return file->ReadAt(0, size);
}

Status ObjectStore::Stream(std::string_view key, const ByteSink& sink,
                           std::optional<ByteRange> range) {
  FLOE_ASSIGN_OR_RETURN(auto file, OpenForRead(key));
  FLOE_ASSIGN_OR_RETURN(const uint64_t size, file->Size());
  const ByteRange want = range.value_or(ByteRange{0, size});
  if (want.offset > size || want.length > size - want.offset) {
    return Status::Corruption("{}: range of {} bytes at offset {} is past the end ({} bytes)",
                              UriOf(key), want.length, want.offset, size);
  }
  constexpr uint64_t kChunk = 8 << 20;
  for (uint64_t done = 0; done < want.length;) {
    const uint64_t n = std::min(kChunk, want.length - done);
    FLOE_ASSIGN_OR_RETURN(std::string bytes, file->ReadAt(want.offset + done, n));
    FLOE_RETURN_IF_ERROR(sink(bytes));
    done += n;
  }
  return Status::OK();
}

Status ObjectStore::Put(std::string_view key, std::string_view data) {
  FLOE_ASSIGN_OR_RETURN(auto writer, OpenForWrite(key));
  FLOE_RETURN_IF_ERROR(writer->Append(data));
  return writer->Close();
}

Result<std::vector<ObjectInfo>> ObjectStore::List(std::string_view prefix) {
  std::vector<ObjectInfo> all;
  std::string token;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(ListResult page, ListPage(prefix, token));
    for (ObjectInfo& o : page.objects) all.push_back(std::move(o));
    if (page.next_token.empty()) break;
    if (page.next_token == token) {
      return Status::IOError("{}: listing '{}' did not advance past page token '{}'", root_uri(),
                             prefix, token);
    }
    token = std::move(page.next_token);
  }
  return all;
}

Status ObjectStore::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) FLOE_RETURN_IF_ERROR(Delete(key));
  return Status::OK();
}

Status CheckKey(std::string_view key, std::string_view where) {
  if (key.empty()) return Status::InvalidArgument("{}: empty object key", where);
  if (key.size() > 1024) {
    return Status::InvalidArgument("{}: object key of {} bytes is longer than 1024", where,
                                   key.size());
  }
  if (key.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("{}: object key contains a NUL byte", where);
  }
  return Status::OK();
}

Result<ParsedUri> ParseUri(std::string_view uri) {
  if (uri.empty()) return Status::InvalidArgument("empty storage URI");
  const size_t sep = uri.find("://");
  bool has_scheme = sep != std::string_view::npos && sep > 0;
  for (size_t i = 0; has_scheme && i < sep; ++i) {
    const char c = uri[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) has_scheme = false;
  }
  ParsedUri out;
  if (!has_scheme) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(uri), ec);
    if (ec) return Status::InvalidArgument("cannot make '{}' absolute: {}", uri, ec.message());
    out.scheme = "file";
    out.path = p.lexically_normal().string();
    return out;
  }
  for (size_t i = 0; i < sep; ++i) out.scheme.push_back(static_cast<char>(std::tolower(uri[i])));
  std::string_view rest = uri.substr(sep + 3);
  const size_t slash = rest.find('/');
  out.authority = std::string(rest.substr(0, slash));
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (out.scheme == "file") {
    if (!out.authority.empty() && out.authority != "localhost") {
      return Status::InvalidArgument("'{}': file URIs name a local path (file:///abs/path)", uri);
    }
    out.authority.clear();
    if (path.empty()) return Status::InvalidArgument("'{}': file URI without a path", uri);
    out.path = std::string(path);
    return out;
  }
  if (out.authority.empty()) {
    return Status::InvalidArgument("'{}': missing bucket or store name after '{}://'", uri,
                                   out.scheme);
  }
  if (!path.empty()) path.remove_prefix(1);
  out.path = std::string(path);
  return out;
}

ObjectStoreRegistry::ObjectStoreRegistry() {
  factories_["file"] = [](std::string_view) -> Result<std::shared_ptr<ObjectStore>> {
    return std::shared_ptr<ObjectStore>(std::make_shared<LocalStore>("/"));
  };
  factories_["memory"] = [](std::string_view name) -> Result<std::shared_ptr<ObjectStore>> {
    return std::shared_ptr<ObjectStore>(std::make_shared<MemoryStore>(std::string(name)));
  };
  factories_["s3"] = [](std::string_view bucket) -> Result<std::shared_ptr<ObjectStore>> {
    return OpenS3StoreFromEnvironment(bucket);
  };
}

ObjectStoreRegistry& ObjectStoreRegistry::Default() {
  static ObjectStoreRegistry* registry = new ObjectStoreRegistry();
  return *registry;
}

void ObjectStoreRegistry::RegisterScheme(std::string scheme, Factory factory) {
  std::lock_guard lock(mu_);
  for (auto it = stores_.begin(); it != stores_.end();) {
    it = it->first.first == scheme ? stores_.erase(it) : std::next(it);
  }
  factories_[std::move(scheme)] = std::move(factory);
}

void ObjectStoreRegistry::Mount(std::string scheme, std::string authority,
                                std::shared_ptr<ObjectStore> store) {
  std::lock_guard lock(mu_);
  stores_[{std::move(scheme), std::move(authority)}] = std::move(store);
}

void ObjectStoreRegistry::Unmount(const std::string& scheme, const std::string& authority) {
  std::lock_guard lock(mu_);
  stores_.erase({scheme, authority});
}

Result<ResolvedUri> ObjectStoreRegistry::Resolve(std::string_view uri) {
  FLOE_ASSIGN_OR_RETURN(ParsedUri parsed, ParseUri(uri));
  ResolvedUri out;
  out.key = parsed.scheme == "file" ? parsed.path.substr(1) : std::move(parsed.path);
  std::lock_guard lock(mu_);
  auto key = std::make_pair(parsed.scheme, parsed.authority);
  auto it = stores_.find(key);
  if (it != stores_.end()) {
    out.store = it->second;
    return out;
  }
  auto f = factories_.find(parsed.scheme);
  if (f == factories_.end()) {
    return Status::NotSupported("'{}': unknown storage scheme '{}' (file, memory, s3)", uri,
                                parsed.scheme);
  }
  // Factories are cheap (no I/O), so holding the lock while one runs is fine.
  FLOE_ASSIGN_OR_RETURN(out.store, f->second(parsed.authority));
  stores_.emplace(std::move(key), out.store);
  return out;
}

Result<ResolvedUri> ResolveUri(std::string_view uri) {
  return ObjectStoreRegistry::Default().Resolve(uri);
}

Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view uri,
                                                      const ReadOptions& opts) {
  FLOE_ASSIGN_OR_RETURN(ResolvedUri r, ResolveUri(uri));
  return r.store->OpenForRead(r.key, opts);
}

Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view uri) {
  FLOE_ASSIGN_OR_RETURN(ResolvedUri r, ResolveUri(uri));
  return r.store->OpenForWrite(r.key);
}

Status Delete(std::string_view uri) {
  FLOE_ASSIGN_OR_RETURN(ResolvedUri r, ResolveUri(uri));
  return r.store->Delete(r.key);
}

}  // namespace floe::io
