#include "floe/io/transfer.h"

#include <algorithm>
#include <charconv>
#include <future>

namespace floe::io {

Result<uint64_t> CopyObject(ObjectStore& src_store, std::string_view src_key,
                            ObjectStore& dst_store, std::string_view dst_key,
                            const TransferOptions& opts) {
  if (&src_store == &dst_store) {
    FLOE_RETURN_IF_ERROR(src_store.Copy(src_key, dst_key));
    return dst_store.Size(dst_key);
  }
  FLOE_ASSIGN_OR_RETURN(auto in, src_store.OpenForRead(src_key));
  FLOE_ASSIGN_OR_RETURN(const uint64_t size, in->Size());
  FLOE_ASSIGN_OR_RETURN(auto out, dst_store.OpenForWrite(dst_key));
  const uint64_t chunk = std::max<uint64_t>(1, opts.chunk_size);
  const uint64_t window = chunk * static_cast<uint64_t>(std::max(1, opts.parallelism));
  // Reads window k+1 (its chunks as parallel requests where the file supports it)
  // while window k is written, so network and disk overlap. max_gap 0 and
  // max_read = chunk keep the chunks separate requests.
  auto read_window = [&in, size, chunk, window](uint64_t off) {
    std::vector<ByteRange> ranges;
    for (uint64_t o = off; o < std::min(size, off + window); o += chunk) {
      ranges.push_back({o, std::min(chunk, size - o)});
    }
    return in->ReadRanges(ranges, CoalesceOptions{.max_gap = 0, .max_read = chunk});
  };
  std::future<Result<std::vector<std::string>>> next;
  if (size > 0) next = std::async(std::launch::async, read_window, 0);
  for (uint64_t off = 0; off < size; off += window) {
    Result<std::vector<std::string>> bytes = next.get();
    if (bytes.ok() && off + window < size) {
      next = std::async(std::launch::async, read_window, off + window);
    }
    Status st = bytes.status();
    for (size_t i = 0; st.ok() && i < bytes->size(); ++i) st = out->Append((*bytes)[i]);
    if (!st.ok()) {
      if (next.valid()) next.wait();
      out->Abort();
      return st;
    }
  }
  FLOE_RETURN_IF_ERROR(out->Close());
  return size;
}

Result<uint64_t> CopyUri(std::string_view src, std::string_view dst, const TransferOptions& opts) {
  FLOE_ASSIGN_OR_RETURN(ResolvedUri s, ResolveUri(src));
  FLOE_ASSIGN_OR_RETURN(ResolvedUri d, ResolveUri(dst));
  return CopyObject(*s.store, s.key, *d.store, d.key, opts);
}

Result<ByteRange> ParseByteRangeSpec(std::string_view spec, uint64_t size) {
  auto parse = [](std::string_view s, uint64_t& v) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
  };
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) {
    return Status::InvalidArgument("range '{}': expected A-B, A- or -N", spec);
  }
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (a.empty()) {
    if (!parse(b, last)) return Status::InvalidArgument("range '{}': bad suffix length", spec);
    const uint64_t n = std::min(last, size);
    return ByteRange{size - n, n};
  }
  if (!parse(a, first)) return Status::InvalidArgument("range '{}': bad start", spec);
  if (b.empty()) {
    if (first > size) {
      return Status::InvalidArgument("range '{}': starts past the end ({} bytes)", spec, size);
    }
    return ByteRange{first, size - first};
  }
  if (!parse(b, last) || last < first) {
    return Status::InvalidArgument("range '{}': bad end", spec);
  }
  if (last >= size) {
    return Status::InvalidArgument("range '{}': ends past the end ({} bytes)", spec, size);
  }
  return ByteRange{first, last - first + 1};
}

}  // namespace floe::io
