#include "floe/format/parquet/value_decoding.h"

#include <cstring>

#include "floe/format/parquet/encoding/byte_stream_split.h"
#include "floe/format/parquet/encoding/delta_binary_packed.h"
#include "floe/format/parquet/encoding/delta_byte_array.h"
#include "floe/format/parquet/encoding/delta_length_byte_array.h"
#include "floe/format/parquet/encoding/plain.h"
#include "floe/format/parquet/encoding/rle_hybrid.h"

namespace floe::parquet {

namespace {

// Runs `decoder` for exactly `count` values into `out`.
template <typename Decoder, typename T>
Status DecodeExactly(Decoder& decoder, T* out, int64_t count, Encoding encoding) {
  FLOE_ASSIGN_OR_RETURN(size_t got, decoder.Decode(out, static_cast<size_t>(count)));
  if (got != static_cast<size_t>(count)) {
    return Status::Corruption("{}: the page holds {} values, its levels need {}",
                              EncodingName(encoding), got, count);
  }
  return Status::OK();
}

// Appends `count` fixed-width values of type T decoded by `decoder` to out->fixed.
template <typename T, typename Decoder>
Status DecodeFixed(Decoder& decoder, int64_t count, Encoding encoding, PhysicalValues* out) {
  const size_t old = out->fixed->size();
  out->fixed->Resize(old + static_cast<size_t>(count) * sizeof(T));
  return DecodeExactly(decoder, reinterpret_cast<T*>(out->fixed->data() + old), count, encoding);
}

template <typename Decoder>
Status DecodeArrays(Decoder& decoder, int64_t count, Encoding encoding, PhysicalValues* out) {
  const size_t old = out->arrays->size();
  out->arrays->resize(old + static_cast<size_t>(count));
  return DecodeExactly(decoder, out->arrays->data() + old, count, encoding);
}

// Moves byte-array views that point into decoder-owned memory into out->owned.
void OwnArrays(size_t from, PhysicalValues* out) {
  size_t total = 0;
  for (size_t i = from; i < out->arrays->size(); ++i) total += (*out->arrays)[i].len;
  out->owned->Reserve(out->owned->size() + total);  // no reallocation below: views stay valid
  for (size_t i = from; i < out->arrays->size(); ++i) {
    ByteArray& a = (*out->arrays)[i];
    const size_t at = out->owned->size();
    out->owned->Append(a.ptr, a.len);
    a.ptr = out->owned->data() + at;
  }
}

Status DecodePlain(std::span<const uint8_t> data, int64_t count, PhysicalValues* out) {
  const size_t n = static_cast<size_t>(count);
  const Encoding e = Encoding::kPlain;
  switch (out->type) {
    case Type::kBoolean: {
      PlainBooleanDecoder d(data, n);
      return DecodeFixed<bool>(d, count, e, out);
    }
    case Type::kInt32: {
      PlainDecoder<int32_t> d(data, n);
      return DecodeFixed<int32_t>(d, count, e, out);
    }
    case Type::kInt64: {
      PlainDecoder<int64_t> d(data, n);
      return DecodeFixed<int64_t>(d, count, e, out);
    }
    case Type::kInt96: {
      PlainDecoder<Int96> d(data, n);
      return DecodeFixed<Int96>(d, count, e, out);
    }
    case Type::kFloat: {
      PlainDecoder<float> d(data, n);
      return DecodeFixed<float>(d, count, e, out);
    }
    case Type::kDouble: {
      PlainDecoder<double> d(data, n);
      return DecodeFixed<double>(d, count, e, out);
    }
    case Type::kByteArray: {
      PlainByteArrayDecoder d(data, n);
      return DecodeArrays(d, count, e, out);
    }
    case Type::kFixedLenByteArray: {
      PlainFixedLenDecoder d(data, out->type_length, n);
      return DecodeArrays(d, count, e, out);
    }
  }
  return Status::Corruption("PLAIN: unknown physical type {}", static_cast<int>(out->type));
}

Status DecodeRleBooleans(std::span<const uint8_t> data, int64_t count, PhysicalValues* out) {
  FLOE_ASSIGN_OR_RETURN(std::span<const uint8_t> runs, ReadLengthPrefixedRle(data));
  RleHybridDecoder d(runs, 1, static_cast<size_t>(count));
  const size_t old = out->fixed->size();
  out->fixed->Resize(old + static_cast<size_t>(count));
  return DecodeExactly(d, out->fixed->data() + old, count, Encoding::kRle);
}

Status DecodeByteStreamSplit(std::span<const uint8_t> data, int64_t count, PhysicalValues* out) {
  const int width =
      out->type == Type::kFixedLenByteArray ? out->type_length : FixedWidth(out->type);
  if (width <= 0 || out->type == Type::kInt96) {
    return Status::Corruption("BYTE_STREAM_SPLIT does not apply to {}", TypeName(out->type));
  }
  const size_t old = out->fixed->size();
  out->fixed->Resize(old + static_cast<size_t>(count) * width);
  ByteStreamSplitDecoder d(data, width, static_cast<size_t>(count));
  FLOE_ASSIGN_OR_RETURN(size_t got,
                        d.DecodeBytes(out->fixed->data() + old, static_cast<size_t>(count)));
  if (got != static_cast<size_t>(count)) {
    return Status::Corruption("BYTE_STREAM_SPLIT: the page holds {} values, its levels need {}",
                              got, count);
  }
  if (out->type == Type::kFixedLenByteArray) {
    // Fixed-length arrays are staged as views: move the bytes to `owned` and point at them.
    const size_t base = out->owned->size();
    out->owned->Append(out->fixed->data() + old, static_cast<size_t>(count) * width);
    out->fixed->Resize(old);
    for (int64_t i = 0; i < count; ++i) {
      out->arrays->push_back(
          ByteArray{out->owned->data() + base + i * width, static_cast<uint32_t>(width)});
    }
  }
  return Status::OK();
}

}  // namespace

Status DecodeDictionaryIndices(std::span<const uint8_t> data, int64_t count, uint32_t* out) {
  if (data.empty()) return Status::Corruption("dictionary indices: the page has no bit-width byte");
  const int bit_width = data[0];
  if (bit_width > 32) {
    return Status::Corruption("dictionary indices: bit width {} is more than 32", bit_width);
  }
  RleHybridDecoder d(data.subspan(1), bit_width, static_cast<size_t>(count));
  return DecodeExactly(d, out, count, Encoding::kRleDictionary);
}

Status DecodeValues(Encoding encoding, std::span<const uint8_t> data, int64_t count,
                    PhysicalValues* out) {
  const size_t n = static_cast<size_t>(count);
  switch (encoding) {
    case Encoding::kPlain:
      return DecodePlain(data, count, out);
    case Encoding::kRle:
      if (out->type == Type::kBoolean) return DecodeRleBooleans(data, count, out);
      break;
    case Encoding::kDeltaBinaryPacked:
      if (out->type == Type::kInt32) {
        DeltaBinaryPackedDecoder<int32_t> d(data, n);
        return DecodeFixed<int32_t>(d, count, encoding, out);
      }
      if (out->type == Type::kInt64) {
        DeltaBinaryPackedDecoder<int64_t> d(data, n);
        return DecodeFixed<int64_t>(d, count, encoding, out);
      }
      break;
    case Encoding::kDeltaLengthByteArray:
      if (out->type == Type::kByteArray) {
        DeltaLengthByteArrayDecoder d(data, n);
        return DecodeArrays(d, count, encoding, out);
      }
      break;
    case Encoding::kDeltaByteArray:
      if (out->type == Type::kByteArray || out->type == Type::kFixedLenByteArray) {
        // The decoder materializes values in bounded chunks that live until its next call:
        // copy each chunk out before decoding the next.
        DeltaByteArrayDecoder d(data, n,
                                out->type == Type::kFixedLenByteArray ? out->type_length : -1);
        size_t done = 0;
        while (done < n) {
          const size_t from = out->arrays->size();
          out->arrays->resize(from + (n - done));
          FLOE_ASSIGN_OR_RETURN(size_t got, d.Decode(out->arrays->data() + from, n - done));
          out->arrays->resize(from + got);
          if (got == 0) {
            return Status::Corruption(
                "DELTA_BYTE_ARRAY: the page holds {} values, its levels "
                "need {}",
                done, n);
          }
          OwnArrays(from, out);
          done += got;
        }
        return Status::OK();
      }
      break;
    case Encoding::kByteStreamSplit:
      return DecodeByteStreamSplit(data, count, out);
    default:
      break;
  }
  return Status::Corruption("encoding {} (code {}) cannot hold {} values", EncodingName(encoding),
                            static_cast<int>(encoding), TypeName(out->type));
}

}  // namespace floe::parquet
