// The byte layout of floe's write-ahead log (docs/wal.md is the full description).
//
// A log is a directory of segment files named "<base LSN as 16 lowercase hex digits>.wal".
// A position (LSN) is a byte offset in the logical log: segment files laid end to end,
// each contributing its header and its records (a preallocated, still unused tail
// contributes nothing). The record at file offset `off` of the segment with base `b` has
// LSN b + off; the next segment's base is the end of the previous segment's last record.
//
// Segment header (32 bytes, little-endian):
//   [0,8)   magic "floeWAL\n"     [8,12)  format version (1)   [12,16) header size (32)
//   [16,24) base LSN              [24,28) zero                 [28,32) CRC-32C of [0,28)
// Record (24-byte header, then the payload):
//   [0,4)   CRC-32C of the payload followed by header bytes [4,24)
//   [4,8)   payload length        [8]     type (1 = data)      [9,12)  zero
//   [12,16) stream id             [16,24) the record's own LSN
//
// These functions work on bytes in memory; they never read outside the given span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "floe/common/status.h"

namespace floe::wal {

// A position in the log: the byte offset of a record (or of the end of one).
using Lsn = uint64_t;

inline constexpr char kSegmentMagic[8] = {'f', 'l', 'o', 'e', 'W', 'A', 'L', '\n'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 32;
inline constexpr size_t kRecordHeaderSize = 24;
// The largest payload the format can express is 4 GiB - 1; readers also apply the
// (smaller) limit of their options.
inline constexpr uint32_t kMaxPayloadBytes = 0xFFFFFFFFu;

enum class RecordType : uint8_t { kData = 1 };

// "00000000000a0000.wal" for base 0xa0000.
std::string SegmentFileName(Lsn base);
// The base LSN of a segment file name, or nullopt when `name` is not one.
std::optional<Lsn> ParseSegmentFileName(std::string_view name);

void EncodeSegmentHeader(Lsn base, uint8_t out[kSegmentHeaderSize]);
// The base LSN stored in a segment header; Corruption (naming `where`) when the
// magic, version, size, reserved bytes or CRC are wrong or `bytes` is too short.
Result<Lsn> DecodeSegmentHeader(std::span<const uint8_t> bytes, std::string_view where);

// Fills a record header. `payload_crc` is Crc32c(payload); the header's CRC extends it
// over the header fields, so the payload can be checksummed before the LSN is known.
void EncodeRecordHeader(uint32_t payload_crc, uint32_t payload_len, uint32_t stream_id, Lsn lsn,
                        uint8_t out[kRecordHeaderSize]);

// A decoded record; `payload` points into the bytes given to DecodeRecord.
struct RecordView {
  Lsn lsn = 0;
  uint32_t stream_id = 0;
  RecordType type = RecordType::kData;
  std::span<const uint8_t> payload;
  // Bytes the record occupies (header + payload); the next record is at lsn + size.
  size_t size() const { return kRecordHeaderSize + payload.size(); }
};

enum class RecordCheck {
  kOk,         // a valid record
  kZero,       // the header is all zero bytes: preallocated space, nothing was written here
  kTruncated,  // the header, or the payload it announces, runs past the available bytes
  kCorrupt,    // a CRC mismatch, an LSN that is not this position, a bad type or reserved byte,
               // or a length above the limit
};

struct DecodedRecord {
  RecordCheck check = RecordCheck::kCorrupt;
  RecordView record;    // valid when check == kOk
  std::string problem;  // what is wrong, when check is kTruncated or kCorrupt
  // kTruncated only: bytes needed from the record's start to decide (header + payload).
  size_t needed = 0;
};

// Decodes the record that should start at `bytes[0]` and have LSN `lsn`. Payloads
// longer than `max_payload` are kCorrupt. Never reads past `bytes`.
DecodedRecord DecodeRecord(std::span<const uint8_t> bytes, Lsn lsn, uint32_t max_payload);

// The result of checking a whole segment image in memory (the fuzz target and tests
// use it; file readers use DecodeRecord with buffered reads).
struct SegmentScan {
  Lsn base = 0;
  size_t records = 0;
  size_t valid_end = 0;                   // file offset just past the last valid record
  RecordCheck stop = RecordCheck::kZero;  // why scanning stopped (kOk: reached the end)
  std::string problem;
};
Result<SegmentScan> ScanSegment(std::span<const uint8_t> file, uint32_t max_payload);

}  // namespace floe::wal
