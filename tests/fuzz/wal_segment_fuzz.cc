// libFuzzer target for WAL recovery and reading (src/floe/wal/). The input is the bytes of
// a segment file. In memory: ScanSegment and DecodeRecord must return a value or a Status
// without crashing, hanging or allocating more than the input's size. On disk: the bytes
// are written as the only segment of a log directory; Wal::Open must recover (cut the
// tail) or fail with Corruption; after a successful Open every record WalReader returns
// must also be found by the in-memory scan, and a record appended after recovery must
// read back.
//
// Seeds: any segment written by the tests, e.g. a 0000000000000000.wal from wal_test.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>

#include "floe/wal/wal.h"
#include "floe/wal/wal_format.h"
#include "floe/wal/wal_reader.h"

namespace {

constexpr uint32_t kMaxPayload = 1 << 20;

const std::string& Dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/floe_wal_fuzz_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    return std::string(tmpl);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace floe::wal;
  const std::span<const uint8_t> bytes(data, size);

  // In memory.
  auto scan = ScanSegment(bytes, kMaxPayload);
  if (scan.ok() && scan->valid_end > size) __builtin_trap();
  for (size_t off = 0; off < size && off < 64; ++off) {
    DecodedRecord d = DecodeRecord(bytes.subspan(off), off, kMaxPayload);
    if (d.check == RecordCheck::kOk && d.record.size() > size - off) __builtin_trap();
  }

  // On disk, as segment 0 of a log (whose header must then say base 0).
  const std::string& dir = Dir();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::filesystem::remove(e.path(), ec);
  }
  {
    FILE* f = std::fopen((dir + "/" + SegmentFileName(0)).c_str(), "wb");
    if (f == nullptr) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
  }
  WalOptions options;
  options.segment_bytes = 1 << 20;  // above any input: the append below never rolls
  options.max_record_bytes = kMaxPayload;
  options.sync = false;
  auto wal = Wal::Open(dir, options);
  if (!wal.ok()) {
    if (!wal.status().Is(floe::StatusCode::kCorruption)) __builtin_trap();
    if (scan.ok() && scan->base == 0) __builtin_trap();  // a header the scan accepted opens
    return 0;
  }
  if (!scan.ok() || scan->base != 0) __builtin_trap();
  // Recovery keeps exactly the records the in-memory scan found valid.
  if ((*wal)->recovery().end_lsn != scan->valid_end) __builtin_trap();
  const uint8_t payload[5] = {1, 2, 3, 4, 5};
  auto pos = (*wal)->AppendDurable(7, payload);
  if (!pos.ok() || pos->lsn != scan->valid_end) __builtin_trap();
  wal->reset();

  WalReaderOptions ro;
  ro.max_record_bytes = kMaxPayload;
  auto reader = WalReader::Open(dir, 0, ro);
  if (!reader.ok()) __builtin_trap();
  size_t records = 0;
  WalRecord r;
  while (true) {
    auto more = (*reader)->Next(&r);
    if (!more.ok()) __builtin_trap();
    if (!*more) break;
    ++records;
  }
  if (records != scan->records + 1) __builtin_trap();
  if (r.lsn != pos->lsn || r.payload.size() != 5 || std::memcmp(r.payload.data(), payload, 5)) {
    __builtin_trap();
  }
  return 0;
}
