#include "floe/wal/wal_format.h"

#include <cstring>

#include <fmt/format.h>

#include "floe/wal/crc32c.h"

namespace floe::wal {
namespace {

void StoreLe32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void StoreLe64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t LoadLe32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

}  // namespace

std::string SegmentFileName(Lsn base) { return fmt::format("{:016x}.wal", base); }

std::optional<Lsn> ParseSegmentFileName(std::string_view name) {
  if (name.size() != 20 || name.substr(16) != ".wal") return std::nullopt;
  Lsn v = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = name[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = v << 4 | static_cast<Lsn>(d);
  }
  return v;
}

void EncodeSegmentHeader(Lsn base, uint8_t out[kSegmentHeaderSize]) {
  std::memcpy(out, kSegmentMagic, 8);
  StoreLe32(out + 8, kFormatVersion);
  StoreLe32(out + 12, kSegmentHeaderSize);
  StoreLe64(out + 16, base);
  StoreLe32(out + 24, 0);
  StoreLe32(out + 28, Crc32c(out, 28));
}

Result<Lsn> DecodeSegmentHeader(std::span<const uint8_t> b, std::string_view where) {
  if (b.size() < kSegmentHeaderSize) {
    return Status::Corruption("{}: segment header truncated ({} of {} bytes)", where, b.size(),
                              kSegmentHeaderSize);
  }
  if (std::memcmp(b.data(), kSegmentMagic, 8) != 0) {
    return Status::Corruption("{}: not a floe WAL segment (bad magic at offset 0)", where);
  }
  const uint32_t crc = LoadLe32(b.data() + 28);
  if (crc != Crc32c(b.data(), 28)) {
    return Status::Corruption("{}: segment header CRC mismatch at offset 28", where);
  }
  const uint32_t version = LoadLe32(b.data() + 8);
  if (version != kFormatVersion) {
    return Status::Corruption("{}: unsupported WAL format version {} at offset 8", where, version);
  }
  if (LoadLe32(b.data() + 12) != kSegmentHeaderSize || LoadLe32(b.data() + 24) != 0) {
    return Status::Corruption("{}: bad segment header size or reserved field", where);
  }
  return LoadLe64(b.data() + 16);
}

void EncodeRecordHeader(uint32_t payload_crc, uint32_t payload_len, uint32_t stream_id, Lsn lsn,
                        uint8_t out[kRecordHeaderSize]) {
  StoreLe32(out + 4, payload_len);
  out[8] = static_cast<uint8_t>(RecordType::kData);
  out[9] = out[10] = out[11] = 0;
  StoreLe32(out + 12, stream_id);
  StoreLe64(out + 16, lsn);
  StoreLe32(out, Crc32cExtend(payload_crc, out + 4, kRecordHeaderSize - 4));
}

DecodedRecord DecodeRecord(std::span<const uint8_t> b, Lsn lsn, uint32_t max_payload) {
  DecodedRecord d;
  if (b.size() < kRecordHeaderSize) {
    bool zero = true;
    for (uint8_t x : b) zero = zero && x == 0;
    // A short all-zero tail is as clean as a zero header.
    d.check = zero ? RecordCheck::kZero : RecordCheck::kTruncated;
    d.needed = kRecordHeaderSize;
    if (!zero) d.problem = fmt::format("record header truncated ({} bytes left)", b.size());
    return d;
  }
  const uint8_t* h = b.data();
  bool zero = true;
  for (size_t i = 0; i < kRecordHeaderSize; ++i) zero = zero && h[i] == 0;
  if (zero) {
    d.check = RecordCheck::kZero;
    return d;
  }
  const uint32_t len = LoadLe32(h + 4);
  const Lsn stored_lsn = LoadLe64(h + 16);
  if (stored_lsn != lsn) {
    d.problem = fmt::format("record LSN field {} is not its position {}", stored_lsn, lsn);
    return d;
  }
  if (h[8] != static_cast<uint8_t>(RecordType::kData) || h[9] != 0 || h[10] != 0 || h[11] != 0) {
    d.problem = fmt::format("bad record type {} or reserved bytes", h[8]);
    return d;
  }
  if (len > max_payload) {
    d.problem = fmt::format("record length {} exceeds the limit {}", len, max_payload);
    return d;
  }
  const size_t total = kRecordHeaderSize + static_cast<size_t>(len);
  if (b.size() < total) {
    d.check = RecordCheck::kTruncated;
    d.needed = total;
    d.problem = fmt::format("record of {} bytes truncated ({} bytes left)", total, b.size());
    return d;
  }
  const uint32_t crc =
      Crc32cExtend(Crc32c(h + kRecordHeaderSize, len), h + 4, kRecordHeaderSize - 4);
  if (crc != LoadLe32(h)) {
    d.problem =
        fmt::format("record CRC mismatch (stored {:08x}, computed {:08x})", LoadLe32(h), crc);
    return d;
  }
  d.check = RecordCheck::kOk;
  d.record.lsn = lsn;
  d.record.stream_id = LoadLe32(h + 12);
  d.record.type = RecordType::kData;
  d.record.payload = b.subspan(kRecordHeaderSize, len);
  return d;
}

Result<SegmentScan> ScanSegment(std::span<const uint8_t> file, uint32_t max_payload) {
  SegmentScan s;
  FLOE_ASSIGN_OR_RETURN(s.base, DecodeSegmentHeader(file, "segment"));
  size_t off = kSegmentHeaderSize;
  while (true) {
    if (off == file.size()) {
      s.stop = RecordCheck::kOk;
      break;
    }
    if (s.base > UINT64_MAX - off) {
      s.stop = RecordCheck::kCorrupt;
      s.problem = "LSN overflows 64 bits";
      break;
    }
    DecodedRecord d = DecodeRecord(file.subspan(off), s.base + off, max_payload);
    if (d.check != RecordCheck::kOk) {
      s.stop = d.check;
      s.problem = std::move(d.problem);
      break;
    }
    ++s.records;
    off += d.record.size();
  }
  s.valid_end = off;
  return s;
}

}  // namespace floe::wal
