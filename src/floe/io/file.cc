#include "floe/io/file.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace floe::io {

std::vector<ByteRange> CoalesceRanges(std::vector<ByteRange> ranges, const CoalesceOptions& opts) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> out;
  for (const ByteRange& r : ranges) {
    if (!out.empty()) {
      ByteRange& last = out.back();
      const uint64_t merged_end = std::max(last.end(), r.end());
      if (r.offset <= last.end() + opts.max_gap && merged_end - last.offset <= opts.max_read) {
        last.length = merged_end - last.offset;
        continue;
      }
    }
    out.push_back(r);
  }
  return out;
}

Result<std::vector<std::string>> RandomAccessFile::ReadRanges(const std::vector<ByteRange>& ranges,
                                                              const CoalesceOptions& opts) {
  return ReadRangesParallel(*this, ranges, opts, 1);
}

Result<std::vector<std::string>> ReadRangesParallel(RandomAccessFile& file,
                                                    const std::vector<ByteRange>& ranges,
                                                    const CoalesceOptions& opts, int parallelism) {
  std::vector<ByteRange> reads = CoalesceRanges(ranges, opts);
  std::vector<std::string> fetched(reads.size());
  const size_t workers =
      std::min<size_t>(reads.size(), static_cast<size_t>(std::max(1, parallelism)));
  if (workers <= 1) {
    for (size_t i = 0; i < reads.size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(fetched[i], file.ReadAt(reads[i].offset, reads[i].length));
    }
  } else {
    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first_error;
    auto work = [&] {
      for (size_t i = next++; i < reads.size(); i = next++) {
        Result<std::string> r = file.ReadAt(reads[i].offset, reads[i].length);
        if (!r.ok()) {
          std::lock_guard lock(mu);
          if (first_error.ok()) first_error = r.status();
          next = reads.size();  // stop handing out work
          return;
        }
        fetched[i] = std::move(r).value();
      }
    };
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
    FLOE_RETURN_IF_ERROR(first_error);
  }
  // The merged read holding each range: the last one starting at or before it.
  std::vector<size_t> source(ranges.size());
  std::vector<uint32_t> uses(reads.size(), 0);
  for (size_t r = 0; r < ranges.size(); ++r) {
    auto it = std::upper_bound(reads.begin(), reads.end(), ranges[r].offset,
                               [](uint64_t off, const ByteRange& b) { return off < b.offset; });
    source[r] = static_cast<size_t>(it - reads.begin()) - 1;
    ++uses[source[r]];
  }
  std::vector<std::string> out;
  out.reserve(ranges.size());
  for (size_t r = 0; r < ranges.size(); ++r) {
    const ByteRange& want = ranges[r];
    const size_t i = source[r];
    if (uses[i] == 1 && reads[i] == want) {
      out.push_back(std::move(fetched[i]));  // read exactly as asked: no copy
    } else {
      out.push_back(fetched[i].substr(want.offset - reads[i].offset, want.length));
    }
  }
  return out;
}

Result<std::string> BufferFile::ReadAt(uint64_t offset, uint64_t length) {
  if (offset > data_.size() || length > data_.size() - offset) {
    return Status::Corruption("{}: read of {} bytes at offset {} is past the end ({} bytes)", name_,
                              length, offset, data_.size());
  }
  return data_.substr(offset, length);
}

}  // namespace floe::io
