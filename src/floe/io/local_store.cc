#include "floe/io/local_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace floe::io {
namespace {

namespace fs = std::filesystem;

bool IsTempName(std::string_view name) {
  constexpr size_t kHex = 16;
  constexpr std::string_view kMark = ".tmp.";
  if (name.size() < kMark.size() + kHex) return false;
  if (name.substr(name.size() - kHex - kMark.size(), kMark.size()) != kMark) return false;
  return std::all_of(name.end() - kHex, name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

int64_t MtimeMs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace

LocalStore::LocalStore(std::string root, LocalWriteOptions opts) : opts_(opts) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  root_ = std::move(root);
  root_uri_ = "file://" + root_;
}

std::string LocalStore::PathOf(std::string_view key) const {
  std::string path;
  path.reserve(root_.size() + 1 + key.size());
  path.append(root_).push_back('/');
  path.append(key);
  return path;
}

Status LocalStore::CheckLocalKey(std::string_view key) const {
  FLOE_RETURN_IF_ERROR(CheckKey(key, root_uri_));
  size_t start = 0;
  while (true) {
    const size_t slash = key.find('/', start);
    const std::string_view seg =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::InvalidArgument("{}: key '{}' has an empty, '.' or '..' segment", root_uri_,
                                     key);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::OK();
}

Result<ObjectInfo> LocalStore::Head(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckLocalKey(key));
  const std::string path = PathOf(key);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("{}: no such object", path);
    return Status::IOError("{}: stat failed: {}", path, std::system_category().message(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::NotFound("{}: no such object (not a file)", path);
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), MtimeMs(st), ""};
}

Result<std::unique_ptr<RandomAccessFile>> LocalStore::OpenForRead(std::string_view key,
                                                                  const ReadOptions&) {
  FLOE_RETURN_IF_ERROR(CheckLocalKey(key));
  return OpenLocalFile(PathOf(key));
}

Result<std::unique_ptr<WritableFile>> LocalStore::OpenForWrite(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckLocalKey(key));
  return NewLocalWritableFile(PathOf(key), opts_);
}

Status LocalStore::PutIfAbsent(std::string_view key, std::string_view data) {
  FLOE_RETURN_IF_ERROR(CheckLocalKey(key));
  return CreateLocalFileIfAbsent(PathOf(key), data, opts_);
}

Result<ListResult> LocalStore::ListPage(std::string_view prefix, std::string_view page_token,
                                        size_t max_keys) {
  max_keys = std::clamp<size_t>(max_keys, 1, 1000);
  const size_t slash = prefix.rfind('/');
  const std::string dir_key(slash == std::string_view::npos ? "" : prefix.substr(0, slash));
  const std::string dir = dir_key.empty() ? (root_.empty() ? "/" : root_) : PathOf(dir_key);
  std::vector<ObjectInfo> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return ListResult{};
    }
    return Status::IOError("{}: listing failed: {}", dir, ec.message());
  }
  const size_t root_len = root_.size() + 1;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::IOError("{}: listing failed: {}", dir, ec.message());
    const std::string path = it->path().string();
    if (path.size() <= root_len) continue;
    std::string_view key = std::string_view(path).substr(root_len);
    if (it->is_directory(ec)) {
      // Skip subtrees that cannot hold keys with the prefix (or past the token).
      const std::string dir_prefix = std::string(key) + "/";
      const size_t n = std::min(dir_prefix.size(), prefix.size());
      if (dir_prefix.compare(0, n, prefix, 0, n) != 0) it.disable_recursion_pending();
      continue;
    }
    if (!key.starts_with(prefix) || (!page_token.empty() && key <= page_token)) continue;
    if (IsTempName(key)) continue;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // raced or special
    found.push_back(
        ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), MtimeMs(st), ""});
  }
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  ListResult out;
  if (found.size() > max_keys) {
    found.resize(max_keys);
    out.next_token = found.back().key;
  }
  out.objects = std::move(found);
  return out;
}

Status LocalStore::Delete(std::string_view key) {
  FLOE_RETURN_IF_ERROR(CheckLocalKey(key));
  const std::string path = PathOf(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::IOError("{}: unlink failed: {}", path, std::system_category().message(errno));
  }
  return Status::OK();
}

Status LocalStore::Copy(std::string_view src, std::string_view dst) {
  FLOE_RETURN_IF_ERROR(CheckLocalKey(src));
  FLOE_RETURN_IF_ERROR(CheckLocalKey(dst));
  FLOE_ASSIGN_OR_RETURN(auto in, OpenLocalFile(PathOf(src)));
  FLOE_ASSIGN_OR_RETURN(const uint64_t size, in->Size());
  FLOE_ASSIGN_OR_RETURN(auto out, NewLocalWritableFile(PathOf(dst), opts_));
  constexpr uint64_t kChunk = 4 << 20;
  for (uint64_t off = 0; off < size; off += kChunk) {
    FLOE_ASSIGN_OR_RETURN(std::string bytes, in->ReadAt(off, std::min(kChunk, size - off)));
    FLOE_RETURN_IF_ERROR(out->Append(bytes));
  }
  return out->Close();
}

}  // namespace floe::io
