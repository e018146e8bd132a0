// `floe storage ls|cat|cp|rm|presign`: the object-store layer on the command line.
// URIs as everywhere in floe: plain paths, file://, memory://, s3://bucket/key.
// S3 settings come from the environment and, with --config, floe.toml's [storage.s3].
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "floe/cli/commands.h"
#include "floe/io/object_store.h"
#include "floe/io/s3_options.h"
#include "floe/io/s3_store.h"
#include "floe/io/transfer.h"

namespace floe::cli {
namespace {

struct StorageFlags {
  std::string config;  // floe.toml with a [storage.s3] table
  std::string uri;
  std::string dst;
  std::string range;
  bool recursive = false;
  bool long_format = false;
  int64_t expires = 3600;
  std::string method = "GET";
};

Status Configure(const StorageFlags& f) {
  if (f.config.empty()) return Status::OK();
  FLOE_ASSIGN_OR_RETURN(io::S3Options opts, io::LoadS3Options(f.config));
  return io::SetDefaultS3Options(std::move(opts));
}

bool IsLocalDirectory(const io::ResolvedUri& r) {
  if (r.store->root_uri() != "file://") return false;
  struct stat st;
  return ::stat(("/" + r.key).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string FormatTime(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status List(const StorageFlags& f) {
  FLOE_RETURN_IF_ERROR(Configure(f));
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(f.uri));
  std::string prefix = r.key;
  // A local directory lists its contents (S3 prefixes are taken as given).
  if (IsLocalDirectory(r) && !prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  std::string token;
  uint64_t count = 0;
  for (int page = 0; page < 10000000; ++page) {
    FLOE_ASSIGN_OR_RETURN(io::ListResult res, r.store->ListPage(prefix, token));
    for (const io::ObjectInfo& o : res.objects) {
      ++count;
      if (f.long_format) {
        std::printf("%s\t%12llu\t%s\n", FormatTime(o.mtime_ms).c_str(),
                    static_cast<unsigned long long>(o.size), r.store->UriOf(o.key).c_str());
      } else {
        std::printf("%12llu\t%s\n", static_cast<unsigned long long>(o.size),
                    r.store->UriOf(o.key).c_str());
      }
    }
    if (res.next_token.empty()) break;
    token = std::move(res.next_token);
  }
  if (std::fflush(stdout) != 0) return Status::IOError("writing to stdout failed");
  (void)count;
  return Status::OK();
}

Status Cat(const StorageFlags& f) {
  FLOE_RETURN_IF_ERROR(Configure(f));
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(f.uri));
  std::optional<io::ByteRange> range;
  if (!f.range.empty()) {
    FLOE_ASSIGN_OR_RETURN(uint64_t size, r.store->Size(r.key));
    FLOE_ASSIGN_OR_RETURN(range, io::ParseByteRangeSpec(f.range, size));
  }
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
  FLOE_RETURN_IF_ERROR(r.store->Stream(
      r.key,
      [](std::string_view chunk) {
        if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size()) {
          return Status::IOError("writing to stdout failed");
        }
        return Status::OK();
      },
      range));
  if (std::fflush(stdout) != 0) return Status::IOError("writing to stdout failed");
  return Status::OK();
}

Status Copy(const StorageFlags& f) {
  FLOE_RETURN_IF_ERROR(Configure(f));
  std::string dst = f.dst;
  // "cp SRC DIR/" or "cp SRC existing-local-dir" keeps the source's file name.
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri d, io::ResolveUri(dst));
  if ((!dst.empty() && dst.back() == '/') || IsLocalDirectory(d)) {
    FLOE_ASSIGN_OR_RETURN(io::ResolvedUri s, io::ResolveUri(f.uri));
    const size_t slash = s.key.rfind('/');
    if (dst.back() != '/') dst.push_back('/');
    dst += slash == std::string::npos ? s.key : s.key.substr(slash + 1);
  }
  FLOE_ASSIGN_OR_RETURN(uint64_t bytes, io::CopyUri(f.uri, dst));
  std::fprintf(stderr, "copied %llu bytes to %s\n", static_cast<unsigned long long>(bytes),
               dst.c_str());
  return Status::OK();
}

Status Remove(const StorageFlags& f) {
  FLOE_RETURN_IF_ERROR(Configure(f));
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(f.uri));
  if (!f.recursive) {
    FLOE_ASSIGN_OR_RETURN(io::ObjectInfo info, r.store->Head(r.key));  // NotFound if absent
    (void)info;
    return r.store->Delete(r.key);
  }
  std::string prefix = r.key;
  if (IsLocalDirectory(r) && !prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  FLOE_ASSIGN_OR_RETURN(std::vector<io::ObjectInfo> objects, r.store->List(prefix));
  std::vector<std::string> keys;
  keys.reserve(objects.size());
  for (const auto& o : objects) keys.push_back(o.key);
  FLOE_RETURN_IF_ERROR(r.store->DeleteMany(keys));
  std::fprintf(stderr, "removed %zu objects\n", keys.size());
  return Status::OK();
}

Status Presign(const StorageFlags& f) {
  FLOE_RETURN_IF_ERROR(Configure(f));
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(f.uri));
  auto* s3 = dynamic_cast<io::S3Store*>(r.store.get());
  if (s3 == nullptr) return Status::InvalidArgument("'{}': presign needs an s3:// URI", f.uri);
  if (f.method != "GET" && f.method != "PUT") {
    return Status::InvalidArgument("--method must be GET or PUT");
  }
  std::printf("%s\n", s3->client().PresignedUrl(f.method, s3->bucket(), r.key, f.expires).c_str());
  return Status::OK();
}

}  // namespace

void AddStorageCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<StorageFlags>();
  CLI::App* storage = app.add_subcommand(
      "storage", "List, read, copy and remove objects (local, memory://, s3://)");
  storage->require_subcommand(1);
  storage->add_option("--config", flags->config, "floe.toml whose [storage.s3] table to use");

  CLI::App* ls = storage->add_subcommand("ls", "List the objects under a URI prefix");
  ls->add_option("uri", flags->uri, "prefix URI (s3://bucket/prefix, a directory, ...)")
      ->required();
  ls->add_flag("-l,--long", flags->long_format, "also print modification times");
  ls->callback([flags, &action] { action = [flags] { return ReportStatus(List(*flags)); }; });

  CLI::App* cat = storage->add_subcommand("cat", "Write an object (or a byte range) to stdout");
  cat->add_option("uri", flags->uri, "object URI")->required();
  cat->add_option("--range", flags->range, "bytes A-B (inclusive), A- or -N (the last N)");
  cat->callback([flags, &action] { action = [flags] { return ReportStatus(Cat(*flags)); }; });

  CLI::App* cp = storage->add_subcommand(
      "cp", "Copy an object; either side local or S3 (large objects stream as multipart)");
  cp->add_option("src", flags->uri, "source object URI")->required();
  cp->add_option("dst", flags->dst, "destination URI (ending in '/': keep the name)")->required();
  cp->callback([flags, &action] { action = [flags] { return ReportStatus(Copy(*flags)); }; });

  CLI::App* rm = storage->add_subcommand("rm", "Remove an object (or, -r, all under a prefix)");
  rm->add_option("uri", flags->uri, "object or prefix URI")->required();
  rm->add_flag("-r,--recursive", flags->recursive, "remove every object under the prefix");
  rm->callback([flags, &action] { action = [flags] { return ReportStatus(Remove(*flags)); }; });

  CLI::App* presign =
      storage->add_subcommand("presign", "Print a presigned URL for an s3:// object");
  presign->add_option("uri", flags->uri, "s3://bucket/key")->required();
  presign->add_option("--expires", flags->expires, "seconds the URL stays valid (max 604800)")
      ->check(CLI::Range(1, 604800));
  presign->add_option("--method", flags->method, "GET or PUT");
  presign->callback(
      [flags, &action] { action = [flags] { return ReportStatus(Presign(*flags)); }; });
}

}  // namespace floe::cli
