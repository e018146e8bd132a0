// libFuzzer target for the Parquet Thrift metadata decoders (src/floe/format/parquet/
// metadata.h). Every decoder must return (a value or a Status) on any input without
// crashing, hanging or allocating without bound; and whatever FileMetaData or PageHeader
// decodes must encode to bytes that decode again.
//
// Seed corpus: footers of fixture files, e.g. (the footer is the 4-byte length before
// the trailing "PAR1"):
//   python3 -c 'import sys,struct; d=open(sys.argv[1],"rb").read();
//     n=struct.unpack("<I",d[-8:-4])[0]; sys.stdout.buffer.write(d[-8-n:-8])' f.parquet
#include <cstddef>
#include <cstdint>
#include <span>

#include "floe/common/buffer.h"
#include "floe/format/parquet/metadata.h"

namespace {

template <typename T, typename Encode, typename Decode>
void CheckReencodes(const T& value, Encode encode, Decode decode) {
  floe::Buffer out;
  encode(value, &out);
  auto again = decode(std::span<const uint8_t>(out.data(), out.size()), nullptr);
  if (!again.ok()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace floe::parquet;
  const std::span<const uint8_t> bytes(data, size);

  size_t consumed = 0;
  auto md = DecodeFileMetaData(bytes, &consumed);
  if (md.ok()) {
    if (consumed > size) __builtin_trap();
    CheckReencodes(
        *md, [](const FileMetaData& v, floe::Buffer* o) { EncodeFileMetaData(v, o); },
        [](std::span<const uint8_t> s, size_t* c) { return DecodeFileMetaData(s, c); });
  }

  auto page = DecodePageHeader(bytes, &consumed);
  if (page.ok()) {
    if (consumed > size) __builtin_trap();
    CheckReencodes(
        *page, [](const PageHeader& v, floe::Buffer* o) { EncodePageHeader(v, o); },
        [](std::span<const uint8_t> s, size_t* c) { return DecodePageHeader(s, c); });
  }

  auto column_index = DecodeColumnIndex(bytes);
  if (column_index.ok()) {
    CheckReencodes(
        *column_index, [](const ColumnIndex& v, floe::Buffer* o) { EncodeColumnIndex(v, o); },
        [](std::span<const uint8_t> s, size_t* c) { return DecodeColumnIndex(s, c); });
  }

  auto offset_index = DecodeOffsetIndex(bytes);
  if (offset_index.ok()) {
    CheckReencodes(
        *offset_index, [](const OffsetIndex& v, floe::Buffer* o) { EncodeOffsetIndex(v, o); },
        [](std::span<const uint8_t> s, size_t* c) { return DecodeOffsetIndex(s, c); });
  }

  (void)DecodeBloomFilterHeader(bytes).ok();
  (void)DecodeFileCryptoMetaData(bytes).ok();
  return 0;
}
