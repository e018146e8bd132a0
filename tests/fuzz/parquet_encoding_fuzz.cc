// libFuzzer target for every Parquet value and level decoder (src/floe/format/parquet/encoding).
//
// Input layout: [selector] [param] [count lo] [count hi] [batch] payload...
//   selector  picks the decoder and physical type (or a round-trip check, below)
//   param     bit width, FIXED_LEN_BYTE_ARRAY width or dictionary size, per decoder
//   count     values the page claims (0..65535)
//   batch     values per Decode call (1..256, or 4096 when 0)
// Decoders must return values or an error, never crash, hang or read out of bounds; every
// returned ByteArray view is read in full so ASan checks it. Round-trip selectors encode
// values taken from the payload and abort unless decoding gives them back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "floe/format/parquet/encoding/byte_stream_split.h"
#include "floe/format/parquet/encoding/delta_binary_packed.h"
#include "floe/format/parquet/encoding/delta_byte_array.h"
#include "floe/format/parquet/encoding/delta_length_byte_array.h"
#include "floe/format/parquet/encoding/dictionary.h"
#include "floe/format/parquet/encoding/plain.h"
#include "floe/format/parquet/encoding/rle_hybrid.h"

namespace {

using namespace floe;
using namespace floe::parquet;

volatile uint64_t g_sink;

void Touch(const ByteArray& v) {
  uint64_t h = v.len;
  for (uint32_t i = 0; i < v.len; ++i) h = h * 31 + v.ptr[i];
  g_sink = g_sink + h;
}
template <typename T>
void Touch(const T& v) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  g_sink = g_sink + bytes[0];
}

// Decodes until the decoder is exhausted or fails. Returns the values decoded (copied) so
// round-trip checks can compare; ByteArray views are touched before the next call.
template <typename T, typename Decoder>
std::vector<T> Drain(Decoder& decoder, size_t count, size_t batch, bool* ok) {
  std::vector<T> out;
  std::unique_ptr<T[]> buf(new T[batch]);
  *ok = true;
  while (out.size() < count) {
    Result<size_t> r = decoder.Decode(buf.get(), batch);
    if (!r.ok()) {
      *ok = false;
      break;
    }
    if (*r == 0 || *r > batch) break;
    for (size_t i = 0; i < *r; ++i) {
      Touch(buf[i]);
      if constexpr (!std::is_same_v<T, ByteArray>) out.push_back(buf[i]);
    }
    if constexpr (std::is_same_v<T, ByteArray>) out.resize(out.size() + *r);
  }
  return out;
}

template <typename T, typename Decoder>
void Run(Decoder& decoder, size_t count, size_t batch) {
  bool ok;
  Drain<T>(decoder, count, batch, &ok);
}

std::vector<std::string> DrainStrings(auto& decoder, size_t count, size_t batch, bool* ok) {
  std::vector<ByteArray> buf(batch);
  std::vector<std::string> out;
  *ok = true;
  while (out.size() < count) {
    Result<size_t> r = decoder.Decode(buf.data(), batch);
    if (!r.ok()) {
      *ok = false;
      break;
    }
    if (*r == 0) break;
    for (size_t i = 0; i < *r; ++i) out.emplace_back(buf[i].view());
  }
  return out;
}

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "round trip failed: %s\n", what);
    std::abort();
  }
}

// Splits the payload into strings: each starts with a length byte (mod 32).
std::vector<std::string> StringsFrom(std::span<const uint8_t> p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < p.size()) {
    const size_t len = std::min<size_t>(p[i] % 32, p.size() - i - 1);
    out.emplace_back(reinterpret_cast<const char*>(p.data() + i + 1), len);
    i += 1 + len;
  }
  return out;
}

std::vector<ByteArray> ViewsOf(const std::vector<std::string>& s) {
  std::vector<ByteArray> v;
  for (const auto& x : s) {
    v.push_back(
        ByteArray{reinterpret_cast<const uint8_t*>(x.data()), static_cast<uint32_t>(x.size())});
  }
  return v;
}

template <typename T>
std::vector<T> ValuesFrom(std::span<const uint8_t> p) {
  std::vector<T> v(p.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), p.data(), v.size() * sizeof(T));
  return v;
}

void RoundTrips(int which, int param, size_t batch, std::span<const uint8_t> p) {
  bool ok;
  switch (which) {
    case 0: {  // RLE/bit-packed hybrid
      const int width = param % 33;
      std::vector<uint32_t> values = ValuesFrom<uint32_t>(p);
      // Stretch runs so RLE runs appear: byte-level repetition of each value.
      for (auto& v : values) v = width == 32 ? v : (v & ((uint32_t{1} << width) - 1)) >> (v % 3);
      RleHybridEncoder encoder(width);
      encoder.Put(std::span<const uint32_t>(values));
      for (int r = 0; r < (param & 0x3f); ++r) encoder.Put(values.empty() ? 0 : values.back());
      for (int r = 0; r < (param & 0x3f); ++r) values.push_back(values.empty() ? 0 : values.back());
      Buffer out;
      encoder.Finish(&out);
      RleHybridDecoder decoder({out.data(), out.size()}, width, values.size());
      Check(Drain<uint32_t>(decoder, values.size(), batch, &ok) == values && ok, "RLE");
      break;
    }
    case 1: {
      const auto values = ValuesFrom<int32_t>(p);
      DeltaBinaryPackedEncoder<int32_t> encoder;
      encoder.Put(values);
      Buffer out;
      encoder.Finish(&out);
      DeltaBinaryPackedDecoder<int32_t> decoder({out.data(), out.size()}, values.size());
      Check(Drain<int32_t>(decoder, values.size(), batch, &ok) == values && ok, "DBP int32");
      Check(DeltaBinaryPackedDecoder<int32_t>::EncodedSize({out.data(), out.size()}).ValueOr(0) ==
                out.size(),
            "DBP int32 size");
      break;
    }
    case 2: {
      const auto values = ValuesFrom<int64_t>(p);
      DeltaBinaryPackedEncoder<int64_t> encoder;
      encoder.Put(values);
      Buffer out;
      encoder.Finish(&out);
      DeltaBinaryPackedDecoder<int64_t> decoder({out.data(), out.size()}, values.size());
      Check(Drain<int64_t>(decoder, values.size(), batch, &ok) == values && ok, "DBP int64");
      break;
    }
    case 3: {
      const auto strings = StringsFrom(p);
      DeltaLengthByteArrayEncoder encoder;
      encoder.Put(ViewsOf(strings));
      Buffer out;
      encoder.Finish(&out);
      DeltaLengthByteArrayDecoder decoder({out.data(), out.size()}, strings.size());
      Check(DrainStrings(decoder, strings.size(), batch, &ok) == strings && ok, "DLBA");
      break;
    }
    case 4: {
      const auto strings = StringsFrom(p);
      DeltaByteArrayEncoder encoder;
      encoder.Put(ViewsOf(strings));
      Buffer out;
      encoder.Finish(&out);
      DeltaByteArrayDecoder decoder({out.data(), out.size()}, strings.size());
      Check(DrainStrings(decoder, strings.size(), batch, &ok) == strings && ok, "DBA");
      break;
    }
    case 5: {
      auto values = ValuesFrom<int64_t>(p);
      for (auto& v : values) v %= (param + 1);  // bounded cardinality
      DictionaryEncoder<int64_t> encoder;
      encoder.Put(values);
      Buffer dict_page, page;
      encoder.WriteDictionaryPage(&dict_page);
      encoder.WriteIndices(&page);
      const auto dict = ValuesFrom<int64_t>({dict_page.data(), dict_page.size()});
      DictionaryDecoder<int64_t> decoder(dict, {page.data(), page.size()}, values.size());
      Check(Drain<int64_t>(decoder, values.size(), batch, &ok) == values && ok, "dictionary");
      break;
    }
    case 6: {
      const auto strings = StringsFrom(p);
      DictionaryEncoder<ByteArray> encoder;
      encoder.Put(ViewsOf(strings));
      Buffer dict_page, page;
      encoder.WriteDictionaryPage(&dict_page);
      encoder.WriteIndices(&page);
      PlainByteArrayDecoder plain({dict_page.data(), dict_page.size()}, encoder.num_entries());
      std::vector<ByteArray> dict(encoder.num_entries());
      Check(plain.Decode(dict.data(), dict.size()).ValueOr(0) == dict.size(), "dict page");
      DictionaryDecoder<ByteArray> decoder(dict, {page.data(), page.size()}, strings.size());
      Check(DrainStrings(decoder, strings.size(), batch, &ok) == strings && ok, "dictionary BA");
      break;
    }
    case 7: {
      const auto values = ValuesFrom<int64_t>(p);
      Buffer out;
      ByteStreamSplitEncode(std::span<const int64_t>(values), &out);
      ByteStreamSplitDecoder decoder({out.data(), out.size()}, 8, values.size());
      Check(Drain<int64_t>(decoder, values.size(), batch, &ok) == values && ok, "BSS");
      break;
    }
    default: {
      std::vector<uint8_t> bools;
      for (uint8_t b : p) bools.push_back(b & 1);
      Buffer out;
      PlainEncodeBooleans(
          std::span<const bool>(reinterpret_cast<const bool*>(bools.data()), bools.size()), &out);
      PlainBooleanDecoder decoder({out.data(), out.size()}, bools.size());
      const auto decoded = Drain<bool>(decoder, bools.size(), batch, &ok);
      Check(ok && decoded.size() == bools.size(), "booleans size");
      for (size_t i = 0; i < bools.size(); ++i) Check(decoded[i] == (bools[i] != 0), "booleans");
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const int selector = data[0];
  const int param = data[1];
  const size_t count = data[2] | static_cast<size_t>(data[3]) << 8;
  const size_t batch = data[4] == 0 ? 4096 : data[4];
  const std::span<const uint8_t> p(data + 5, size - 5);

  // A synthetic dictionary of `param` entries for the dictionary decoders.
  std::vector<int32_t> dict32(param);
  std::vector<Int96> dict96(param);
  std::vector<std::string> dict_strings(param);
  for (int i = 0; i < param; ++i) {
    dict32[i] = i * 7;
    dict96[i] = Int96{{static_cast<uint32_t>(i), 1, 2}};
    dict_strings[i] = std::string(static_cast<size_t>(i % 5), static_cast<char>('a' + i % 26));
  }
  const std::vector<ByteArray> dict_views = ViewsOf(dict_strings);

  switch (selector % 34) {
    case 0: {
      PlainDecoder<int32_t> d(p, count);
      Run<int32_t>(d, count, batch);
      break;
    }
    case 1: {
      PlainDecoder<int64_t> d(p, count);
      Run<int64_t>(d, count, batch);
      break;
    }
    case 2: {
      PlainDecoder<Int96> d(p, count);
      Run<Int96>(d, count, batch);
      break;
    }
    case 3: {
      PlainDecoder<float> d(p, count);
      Run<float>(d, count, batch);
      break;
    }
    case 4: {
      PlainDecoder<double> d(p, count);
      Run<double>(d, count, batch);
      break;
    }
    case 5: {
      PlainBooleanDecoder d(p, count);
      Run<bool>(d, count, batch);
      break;
    }
    case 6: {
      PlainByteArrayDecoder d(p, count);
      Run<ByteArray>(d, count, batch);
      break;
    }
    case 7: {
      PlainFixedLenDecoder d(p, param % 20, count);
      Run<ByteArray>(d, count, batch);
      break;
    }
    case 8: {
      RleHybridDecoder d(p, param % 34, count);
      Run<uint32_t>(d, count, batch);
      break;
    }
    case 9: {
      RleHybridDecoder d(p, param % 17, count);
      Run<int16_t>(d, count, batch);
      break;
    }
    case 10: {
      RleHybridDecoder d(p, param % 2, count);
      Run<bool>(d, count, batch);
      break;
    }
    case 11: {
      auto body = ReadLengthPrefixedRle(p);
      if (body.ok()) {
        RleHybridDecoder d(*body, param % 9, count);
        Run<uint8_t>(d, count, batch);
      }
      break;
    }
    case 12: {
      BitPackedLevelDecoder d(p, param % 34, count);
      Run<uint32_t>(d, count, batch);
      break;
    }
    case 13: {
      DictionaryDecoder<int32_t> d(dict32, p, count);
      Run<int32_t>(d, count, batch);
      DictionaryDecoder<int32_t> i(dict32, p, count);
      std::vector<uint32_t> idx(batch);
      for (size_t got = 0; got < count;) {
        Result<size_t> r = i.DecodeIndices(idx.data(), batch);
        if (!r.ok() || *r == 0) break;
        for (size_t k = 0; k < *r; ++k) {
          if (idx[k] >= dict32.size()) std::abort();
        }
        got += *r;
      }
      break;
    }
    case 14: {
      DictionaryDecoder<ByteArray> d(dict_views, p, count);
      Run<ByteArray>(d, count, batch);
      break;
    }
    case 15: {
      DictionaryDecoder<Int96> d(dict96, p, count);
      Run<Int96>(d, count, batch);
      break;
    }
    case 16: {
      DeltaBinaryPackedDecoder<int32_t> d(p, count);
      Run<int32_t>(d, count, batch);
      break;
    }
    case 17: {
      DeltaBinaryPackedDecoder<int64_t> d(p, count);
      Run<int64_t>(d, count, batch);
      break;
    }
    case 18: {
      auto a = DeltaBinaryPackedDecoder<int32_t>::EncodedSize(p);
      auto b = DeltaBinaryPackedDecoder<int64_t>::EncodedSize(p);
      if ((a.ok() && *a > p.size()) || (b.ok() && *b > p.size())) std::abort();
      break;
    }
    case 19: {
      DeltaLengthByteArrayDecoder d(p, count);
      Run<ByteArray>(d, count, batch);
      break;
    }
    case 20: {
      DeltaByteArrayDecoder d(p, count, (param & 1) ? -1 : param / 2);
      Run<ByteArray>(d, count, batch);
      break;
    }
    case 21: {
      ByteStreamSplitDecoder d(p, 4, count);
      Run<float>(d, count, batch);
      break;
    }
    case 22: {
      ByteStreamSplitDecoder d(p, 8, count);
      Run<double>(d, count, batch);
      break;
    }
    case 23: {
      ByteStreamSplitDecoder d(p, 4, count);
      Run<int32_t>(d, count, batch);
      break;
    }
    case 24: {
      ByteStreamSplitDecoder d(p, 8, count);
      Run<int64_t>(d, count, batch);
      break;
    }
    case 25: {
      ByteStreamSplitDecoder d(p, param % 20, count);
      Run<ByteArray>(d, count, batch);
      break;
    }
    default:
      RoundTrips(selector % 34 - 26, param, batch, p);
      break;
  }
  return 0;
}
