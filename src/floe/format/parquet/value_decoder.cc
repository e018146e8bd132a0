#include "floe/format/parquet/value_decoder.h"

#include <cstring>

#include "floe/common/float16.h"
#include "floe/format/parquet/value_decoding.h"

namespace floe::parquet {

namespace {

constexpr int64_t kJulianEpochDay = 2440588;  // Julian day number of 1970-01-01
constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// A big-endian two's-complement integer of up to 16 significant bytes.
Result<__int128> BigEndianDecimal(const uint8_t* p, uint32_t len, const std::string& path) {
  if (len == 0) return static_cast<__int128>(0);
  // Longer than 16 bytes: the extra leading bytes must be sign extension.
  if (len > 16) {
    const uint8_t sign = (p[len - 16] & 0x80) ? 0xFF : 0x00;
    for (uint32_t i = 0; i < len - 16; ++i) {
      if (p[i] != sign) {
        return Status::Corruption("column '{}': a {}-byte decimal does not fit 38 digits", path,
                                  len);
      }
    }
    p += len - 16;
    len = 16;
  }
  unsigned __int128 v = (p[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (uint32_t i = 0; i < len; ++i) v = (v << 8) | p[i];
  return static_cast<__int128>(v);
}

}  // namespace

ValueDecoder::ValueDecoder(const ColumnDescriptor& column)
    : col_(column),
      physical_width_(column.physical_type == Type::kBoolean ? 1
                                                             : FixedWidth(column.physical_type)) {
  if (col_.type->IsVarBinary()) offsets_.Push<int64_t>(0);
}

Status ValueDecoder::SetDictionary(const uint8_t* data, size_t size, int32_t num_values) {
  dict_bytes_.Clear();
  dict_bytes_.Append(data, size);
  dictionary_ = Staged();
  FLOE_RETURN_IF_ERROR(DecodeStaged(
      Encoding::kPlain, std::span<const uint8_t>(dict_bytes_.data(), dict_bytes_.size()),
      num_values, &dictionary_));
  has_dictionary_ = true;
  return Status::OK();
}

Status ValueDecoder::DecodePage(Encoding encoding, std::span<const uint8_t> data, int64_t count) {
  if (count == 0) return Status::OK();
  page_.fixed.Clear();
  page_.arrays.clear();
  page_.owned.Clear();
  page_.count = 0;
  if (encoding == Encoding::kPlainDictionary || encoding == Encoding::kRleDictionary) {
    if (!has_dictionary_) {
      return Status::Corruption("a dictionary-encoded page comes before any dictionary page");
    }
    FLOE_RETURN_IF_ERROR(Gather(data, count, &page_));
  } else {
    FLOE_RETURN_IF_ERROR(DecodeStaged(encoding, data, count, &page_));
  }
  return Convert(page_);
}

Status ValueDecoder::DecodeStaged(Encoding encoding, std::span<const uint8_t> data, int64_t count,
                                  Staged* out) {
  if (count < 0) return Status::Corruption("negative value count {}", count);
  PhysicalValues pv;
  pv.type = col_.physical_type;
  pv.type_length = col_.type_length;
  pv.fixed = &out->fixed;
  pv.arrays = &out->arrays;
  pv.owned = &out->owned;
  FLOE_RETURN_IF_ERROR(DecodeValues(encoding, data, count, &pv));
  out->count = count;
  return Status::OK();
}

Status ValueDecoder::Gather(std::span<const uint8_t> data, int64_t count, Staged* out) {
  indices_.Resize(static_cast<size_t>(count) * sizeof(uint32_t));
  FLOE_RETURN_IF_ERROR(DecodeDictionaryIndices(data, count, indices_.as<uint32_t>()));
  const uint32_t* idx = indices_.as<uint32_t>();
  const uint64_t dict_size = static_cast<uint64_t>(dictionary_.count);
  for (int64_t i = 0; i < count; ++i) {
    if (idx[i] >= dict_size) {
      return Status::Corruption(
          "dictionary index {} at value {} is past the dictionary's {} "
          "entries",
          idx[i], i, dict_size);
    }
  }
  if (physical_width_ > 0) {
    out->fixed.Resize(static_cast<size_t>(count) * physical_width_);
    const uint8_t* src = dictionary_.fixed.data();
    uint8_t* dst = out->fixed.data();
    const int w = physical_width_;
    for (int64_t i = 0; i < count; ++i) std::memcpy(dst + i * w, src + idx[i] * w, w);
  } else {
    out->arrays.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) out->arrays[i] = dictionary_.arrays[idx[i]];
  }
  out->count = count;
  return Status::OK();
}

Status ValueDecoder::Convert(const Staged& s) {
  const DataType& t = *col_.type;
  const int64_t n = s.count;
  const uint8_t* src = s.fixed.data();
  const size_t old = values_.size();
  num_values_ += n;
  auto grow = [&](int width) -> uint8_t* {
    values_.Resize(old + static_cast<size_t>(n) * width);
    return values_.data() + old;
  };
  switch (col_.physical_type) {
    case Type::kBoolean: {
      std::memcpy(grow(1), src, n);
      return Status::OK();
    }
    case Type::kInt32: {
      const int32_t* v = reinterpret_cast<const int32_t*>(src);
      switch (t.id) {
        case TypeId::kInt8:
        case TypeId::kUInt8: {
          uint8_t* d = grow(1);
          for (int64_t i = 0; i < n; ++i) d[i] = static_cast<uint8_t>(v[i]);
          return Status::OK();
        }
        case TypeId::kInt16:
        case TypeId::kUInt16: {
          auto* d = reinterpret_cast<uint16_t*>(grow(2));
          for (int64_t i = 0; i < n; ++i) d[i] = static_cast<uint16_t>(v[i]);
          return Status::OK();
        }
        case TypeId::kTime: {
          auto* d = reinterpret_cast<int64_t*>(grow(8));
          for (int64_t i = 0; i < n; ++i) d[i] = Load<int32_t>(src + 4 * i);
          return Status::OK();
        }
        case TypeId::kDecimal: {
          auto* d = reinterpret_cast<__int128*>(grow(16));
          for (int64_t i = 0; i < n; ++i) d[i] = Load<int32_t>(src + 4 * i);
          return Status::OK();
        }
        default:
          std::memcpy(grow(4), src, n * 4);
          return Status::OK();
      }
    }
    case Type::kInt64: {
      if (t.id == TypeId::kDecimal) {
        auto* d = reinterpret_cast<__int128*>(grow(16));
        for (int64_t i = 0; i < n; ++i) d[i] = Load<int64_t>(src + 8 * i);
        return Status::OK();
      }
      std::memcpy(grow(8), src, n * 8);
      return Status::OK();
    }
    case Type::kInt96: {
      // 8 bytes of nanoseconds within the day, then 4 bytes of Julian day number; read as
      // microseconds since the epoch (see schema.cc), wrapping like int64 arithmetic on
      // values no calendar holds.
      auto* d = reinterpret_cast<int64_t*>(grow(8));
      for (int64_t i = 0; i < n; ++i) {
        // The nanoseconds are signed (writers store out-of-day offsets, e.g. Spark's
        // far-future dates); floor them to microseconds.
        const int64_t nanos = Load<int64_t>(src + 12 * i);
        const int64_t day = Load<int32_t>(src + 12 * i + 8);
        const int64_t micros = nanos / 1000 - (nanos % 1000 < 0 ? 1 : 0);
        const uint64_t day_micros =
            static_cast<uint64_t>(day - kJulianEpochDay) * static_cast<uint64_t>(kMicrosPerDay);
        d[i] = static_cast<int64_t>(day_micros + static_cast<uint64_t>(micros));
      }
      return Status::OK();
    }
    case Type::kFloat:
      std::memcpy(grow(4), src, n * 4);
      return Status::OK();
    case Type::kDouble:
      std::memcpy(grow(8), src, n * 8);
      return Status::OK();
    case Type::kByteArray:
    case Type::kFixedLenByteArray: {
      if (t.id == TypeId::kDecimal) {
        auto* d = reinterpret_cast<__int128*>(grow(16));
        for (int64_t i = 0; i < n; ++i) {
          FLOE_ASSIGN_OR_RETURN(
              d[i], BigEndianDecimal(s.arrays[i].ptr, s.arrays[i].len, col_.dotted_path));
        }
        return Status::OK();
      }
      if (t.IsVarBinary()) {
        size_t total = 0;
        for (int64_t i = 0; i < n; ++i) total += s.arrays[i].len;
        data_.Reserve(data_.size() + total);
        offsets_.Reserve(offsets_.size() + n * sizeof(int64_t));
        for (int64_t i = 0; i < n; ++i) {
          data_.Append(s.arrays[i].ptr, s.arrays[i].len);
          offsets_.Push<int64_t>(static_cast<int64_t>(data_.size()));
        }
        return Status::OK();
      }
      const int w = t.FixedWidth();
      uint8_t* d = grow(w);
      for (int64_t i = 0; i < n; ++i) {
        if (static_cast<int>(s.arrays[i].len) != w) {
          return Status::Corruption("column '{}': value {} has {} bytes, expected {}",
                                    col_.dotted_path, i, s.arrays[i].len, w);
        }
        std::memcpy(d + i * w, s.arrays[i].ptr, w);
      }
      return Status::OK();
    }
  }
  return Status::Corruption("column '{}': unknown physical type", col_.dotted_path);
}

Status ValueDecoder::Finish(LeafData* out) {
  out->num_values = num_values_;
  out->values = std::move(values_);
  if (col_.type->IsVarBinary()) {
    out->offsets = std::move(offsets_);
    out->data = std::move(data_);
  }
  return Status::OK();
}

}  // namespace floe::parquet
