#include "floe/format/parquet/metadata.h"

#include <algorithm>
#include <type_traits>

#include "floe/format/parquet/thrift_compact.h"

namespace floe::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactType;
using thrift::CompactWriter;
using thrift::FieldHeader;
using thrift::ListHeader;

// A list header may announce at most remaining-bytes elements; reserve no more than this
// many bytes up front so a short hostile input cannot make us allocate much more than it
// could ever fill. Longer lists still decode (the vector grows as elements arrive).
constexpr size_t kMaxReserveBytes = size_t{16} << 20;

// ---------------------------------------------------------------------------------------
// Every struct's decoder and encoder, declared up front so the generic helpers below can
// call them.
#define FLOE_DECLARE_CODEC(T)            \
  void Decode(CompactReader& r, T* out); \
  void Encode(CompactWriter& w, const T& v);
FLOE_DECLARE_CODEC(SizeStatistics)
FLOE_DECLARE_CODEC(BoundingBox)
FLOE_DECLARE_CODEC(GeospatialStatistics)
FLOE_DECLARE_CODEC(Statistics)
FLOE_DECLARE_CODEC(DecimalType)
FLOE_DECLARE_CODEC(TimeUnit)
FLOE_DECLARE_CODEC(TimestampType)
FLOE_DECLARE_CODEC(TimeType)
FLOE_DECLARE_CODEC(IntType)
FLOE_DECLARE_CODEC(VariantType)
FLOE_DECLARE_CODEC(GeometryType)
FLOE_DECLARE_CODEC(GeographyType)
FLOE_DECLARE_CODEC(LogicalType)
FLOE_DECLARE_CODEC(SchemaElement)
FLOE_DECLARE_CODEC(DataPageHeader)
FLOE_DECLARE_CODEC(IndexPageHeader)
FLOE_DECLARE_CODEC(DictionaryPageHeader)
FLOE_DECLARE_CODEC(DataPageHeaderV2)
FLOE_DECLARE_CODEC(PageHeader)
FLOE_DECLARE_CODEC(BloomFilterAlgorithm)
FLOE_DECLARE_CODEC(BloomFilterHash)
FLOE_DECLARE_CODEC(BloomFilterCompression)
FLOE_DECLARE_CODEC(BloomFilterHeader)
FLOE_DECLARE_CODEC(KeyValue)
FLOE_DECLARE_CODEC(SortingColumn)
FLOE_DECLARE_CODEC(PageEncodingStats)
FLOE_DECLARE_CODEC(ColumnMetaData)
FLOE_DECLARE_CODEC(EncryptionWithColumnKey)
FLOE_DECLARE_CODEC(ColumnCryptoMetaData)
FLOE_DECLARE_CODEC(ColumnChunk)
FLOE_DECLARE_CODEC(RowGroup)
FLOE_DECLARE_CODEC(ColumnOrder)
FLOE_DECLARE_CODEC(PageLocation)
FLOE_DECLARE_CODEC(OffsetIndex)
FLOE_DECLARE_CODEC(ColumnIndex)
FLOE_DECLARE_CODEC(AesGcmV1)
FLOE_DECLARE_CODEC(AesGcmCtrV1)
FLOE_DECLARE_CODEC(EncryptionAlgorithm)
FLOE_DECLARE_CODEC(FileCryptoMetaData)
FLOE_DECLARE_CODEC(FileMetaData)
#undef FLOE_DECLARE_CODEC

// ---------------------------------------------------------------------------------------
// Generic value helpers: the wire type of a C++ member type, and reading/writing one
// value of it.

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
constexpr CompactType WireTypeOf() {
  if constexpr (std::is_same_v<T, bool>) {
    return CompactType::kBoolTrue;
  } else if constexpr (std::is_same_v<T, int8_t>) {
    return CompactType::kByte;
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return CompactType::kI16;
  } else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) {
    return CompactType::kI32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return CompactType::kI64;
  } else if constexpr (std::is_same_v<T, double>) {
    return CompactType::kDouble;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return CompactType::kBinary;
  } else if constexpr (IsVector<T>::value) {
    return CompactType::kList;
  } else {
    static_assert(std::is_class_v<T>);
    return CompactType::kStruct;
  }
}

// Whether a value arriving with wire type `t` can be read as a T.
template <typename T>
bool WireTypeMatches(CompactType t) {
  if constexpr (std::is_same_v<T, bool>) {
    return thrift::IsBoolType(t);
  } else if constexpr (IsVector<T>::value) {
    return t == CompactType::kList || t == CompactType::kSet;
  } else {
    return t == WireTypeOf<T>();
  }
}

template <typename T>
void ReadList(CompactReader& r, std::vector<T>* out);

// Reads one non-bool value whose wire type already matched T.
template <typename T>
void ReadValue(CompactReader& r, T* out) {
  if constexpr (std::is_same_v<T, int8_t>) {
    *out = r.ReadI8();
  } else if constexpr (std::is_same_v<T, int16_t>) {
    *out = r.ReadI16();
  } else if constexpr (std::is_same_v<T, int32_t>) {
    *out = r.ReadI32();
  } else if constexpr (std::is_enum_v<T>) {
    *out = static_cast<T>(r.ReadI32());
  } else if constexpr (std::is_same_v<T, int64_t>) {
    *out = r.ReadI64();
  } else if constexpr (std::is_same_v<T, double>) {
    *out = r.ReadDouble();
  } else if constexpr (std::is_same_v<T, std::string>) {
    r.ReadString(out);
  } else if constexpr (IsVector<T>::value) {
    ReadList(r, out);
  } else {
    Decode(r, out);
  }
}

template <typename T>
void ReadList(CompactReader& r, std::vector<T>* out) {
  const ListHeader h = r.ReadListHeader();
  out->clear();
  if (h.size > 0 && !WireTypeMatches<T>(h.element_type)) {
    r.Fail("list element type does not match the field's type");
  } else if (h.size > 0) {
    out->reserve(std::min<size_t>(h.size, kMaxReserveBytes / sizeof(T)));
    for (uint32_t i = 0; i < h.size && r.ok(); ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        out->push_back(r.ReadBoolElement());
      } else {
        ReadValue(r, &out->emplace_back());
      }
    }
  }
  r.LeaveContainer();
}

// Reads field `f` into `out` when its wire type fits; returns false (leaving the field
// for the caller to skip) when it does not, as Thrift's generated code does.
template <typename T>
bool Get(CompactReader& r, const FieldHeader& f, T* out) {
  if constexpr (IsOptional<T>::value) {
    using U = typename T::value_type;
    if (!WireTypeMatches<U>(f.type)) return false;
    return Get(r, f, &out->emplace());
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!thrift::IsBoolType(f.type)) return false;
    *out = f.bool_value();
    return true;
  } else {
    if (!WireTypeMatches<T>(f.type)) return false;
    ReadValue(r, out);
    return true;
  }
}

// Reads one struct, handing each field header to `on_field`, which returns true when it
// consumed the value; other fields (unknown ids, unexpected types) are skipped. Returns a
// bit mask of the consumed field ids below 64, for required-field checks.
template <typename OnField>
uint64_t ReadStruct(CompactReader& r, OnField&& on_field) {
  uint64_t seen = 0;
  if (!r.EnterStruct()) return 0;
  int16_t last = 0;
  FieldHeader f;
  while (r.ReadFieldHeader(&last, &f)) {
    if (on_field(f)) {
      if (f.id > 0 && f.id < 64) seen |= uint64_t{1} << f.id;
    } else {
      r.Skip(f.type);
    }
  }
  r.LeaveStruct();
  return seen;
}

// Records a Corruption naming `struct_name.field_name` unless `id` is in `seen`.
void Require(CompactReader& r, uint64_t seen, int16_t id, std::string_view struct_name,
             std::string_view field_name) {
  if (r.ok() && (seen & (uint64_t{1} << id)) == 0) {
    r.FailMissingField(struct_name, field_name, id);
  }
}

template <typename T>
void WriteValue(CompactWriter& w, const T& v);

template <typename T>
void WriteList(CompactWriter& w, const std::vector<T>& v) {
  w.WriteListHeader(WireTypeOf<T>(), static_cast<uint32_t>(v.size()));
  if constexpr (std::is_same_v<T, bool>) {
    for (bool b : v) w.WriteBoolElement(b);
  } else {
    for (const T& e : v) WriteValue(w, e);
  }
}

template <typename T>
void WriteValue(CompactWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, int8_t>) {
    w.WriteI8(v);
  } else if constexpr (std::is_same_v<T, int16_t>) {
    w.WriteI16(v);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    w.WriteI32(v);
  } else if constexpr (std::is_enum_v<T>) {
    w.WriteI32(static_cast<int32_t>(v));
  } else if constexpr (std::is_same_v<T, int64_t>) {
    w.WriteI64(v);
  } else if constexpr (std::is_same_v<T, double>) {
    w.WriteDouble(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.WriteBinary(v);
  } else if constexpr (IsVector<T>::value) {
    WriteList(w, v);
  } else {
    Encode(w, v);
  }
}

// Writes field `id` (nothing for an empty optional).
template <typename T>
void Put(CompactWriter& w, int16_t* last, int16_t id, const T& v) {
  if constexpr (IsOptional<T>::value) {
    if (v.has_value()) Put(w, last, id, *v);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.WriteBoolField(last, id, v);
  } else {
    w.WriteFieldHeader(last, id, WireTypeOf<T>());
    WriteValue(w, v);
  }
}

// Writes field `id` as an empty struct (a parameterless union member).
void PutEmptyStruct(CompactWriter& w, int16_t* last, int16_t id) {
  w.WriteFieldHeader(last, id, CompactType::kStruct);
  w.WriteStop();
}

// Decodes a union whose members are all empty structs: the kind is the field id.
template <typename U>
void DecodeMarkerUnion(CompactReader& r, U* out, int16_t max_known_id) {
  out->kind = U::Kind::kUnrecognized;
  out->unrecognized_field_id = 0;
  ReadStruct(r, [&](const FieldHeader& f) {
    if (f.type == CompactType::kStruct && f.id >= 1 && f.id <= max_known_id) {
      r.Skip(CompactType::kStruct);
      out->kind = static_cast<typename U::Kind>(f.id);
      out->unrecognized_field_id = 0;
      return true;
    }
    if (out->kind == U::Kind::kUnrecognized) out->unrecognized_field_id = f.id;
    return false;
  });
}

template <typename U>
void EncodeMarkerUnion(CompactWriter& w, const U& v) {
  int16_t last = 0;
  if (v.kind != U::Kind::kUnrecognized) PutEmptyStruct(w, &last, static_cast<int16_t>(v.kind));
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Statistics.

void Decode(CompactReader& r, SizeStatistics* out) {
  ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->unencoded_byte_array_data_bytes);
      case 2:
        return Get(r, f, &out->repetition_level_histogram);
      case 3:
        return Get(r, f, &out->definition_level_histogram);
      default:
        return false;
    }
  });
}
void Encode(CompactWriter& w, const SizeStatistics& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.unencoded_byte_array_data_bytes);
  Put(w, &last, 2, v.repetition_level_histogram);
  Put(w, &last, 3, v.definition_level_histogram);
  w.WriteStop();
}

void Decode(CompactReader& r, BoundingBox* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->xmin);
      case 2:
        return Get(r, f, &out->xmax);
      case 3:
        return Get(r, f, &out->ymin);
      case 4:
        return Get(r, f, &out->ymax);
      case 5:
        return Get(r, f, &out->zmin);
      case 6:
        return Get(r, f, &out->zmax);
      case 7:
        return Get(r, f, &out->mmin);
      case 8:
        return Get(r, f, &out->mmax);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "BoundingBox", "xmin");
  Require(r, seen, 2, "BoundingBox", "xmax");
  Require(r, seen, 3, "BoundingBox", "ymin");
  Require(r, seen, 4, "BoundingBox", "ymax");
}
void Encode(CompactWriter& w, const BoundingBox& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.xmin);
  Put(w, &last, 2, v.xmax);
  Put(w, &last, 3, v.ymin);
  Put(w, &last, 4, v.ymax);
  Put(w, &last, 5, v.zmin);
  Put(w, &last, 6, v.zmax);
  Put(w, &last, 7, v.mmin);
  Put(w, &last, 8, v.mmax);
  w.WriteStop();
}

void Decode(CompactReader& r, GeospatialStatistics* out) {
  ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->bbox);
      case 2:
        return Get(r, f, &out->geospatial_types);
      default:
        return false;
    }
  });
}
void Encode(CompactWriter& w, const GeospatialStatistics& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.bbox);
  Put(w, &last, 2, v.geospatial_types);
  w.WriteStop();
}

void Decode(CompactReader& r, Statistics* out) {
  ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->max);
      case 2:
        return Get(r, f, &out->min);
      case 3:
        return Get(r, f, &out->null_count);
      case 4:
        return Get(r, f, &out->distinct_count);
      case 5:
        return Get(r, f, &out->max_value);
      case 6:
        return Get(r, f, &out->min_value);
      case 7:
        return Get(r, f, &out->is_max_value_exact);
      case 8:
        return Get(r, f, &out->is_min_value_exact);
      case 9:
        return Get(r, f, &out->nan_count);
      default:
        return false;
    }
  });
}
void Encode(CompactWriter& w, const Statistics& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.max);
  Put(w, &last, 2, v.min);
  Put(w, &last, 3, v.null_count);
  Put(w, &last, 4, v.distinct_count);
  Put(w, &last, 5, v.max_value);
  Put(w, &last, 6, v.min_value);
  Put(w, &last, 7, v.is_max_value_exact);
  Put(w, &last, 8, v.is_min_value_exact);
  Put(w, &last, 9, v.nan_count);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Logical types.

void Decode(CompactReader& r, DecimalType* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->scale);
      case 2:
        return Get(r, f, &out->precision);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "DecimalType", "scale");
  Require(r, seen, 2, "DecimalType", "precision");
}
void Encode(CompactWriter& w, const DecimalType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.scale);
  Put(w, &last, 2, v.precision);
  w.WriteStop();
}

void Decode(CompactReader& r, TimeUnit* out) { DecodeMarkerUnion(r, out, 3); }
void Encode(CompactWriter& w, const TimeUnit& v) { EncodeMarkerUnion(w, v); }

void Decode(CompactReader& r, TimestampType* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->is_adjusted_to_utc);
      case 2:
        return Get(r, f, &out->unit);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "TimestampType", "isAdjustedToUTC");
  Require(r, seen, 2, "TimestampType", "unit");
}
void Encode(CompactWriter& w, const TimestampType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.is_adjusted_to_utc);
  Put(w, &last, 2, v.unit);
  w.WriteStop();
}

void Decode(CompactReader& r, TimeType* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->is_adjusted_to_utc);
      case 2:
        return Get(r, f, &out->unit);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "TimeType", "isAdjustedToUTC");
  Require(r, seen, 2, "TimeType", "unit");
}
void Encode(CompactWriter& w, const TimeType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.is_adjusted_to_utc);
  Put(w, &last, 2, v.unit);
  w.WriteStop();
}

void Decode(CompactReader& r, IntType* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->bit_width);
      case 2:
        return Get(r, f, &out->is_signed);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "IntType", "bitWidth");
  Require(r, seen, 2, "IntType", "isSigned");
}
void Encode(CompactWriter& w, const IntType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.bit_width);
  Put(w, &last, 2, v.is_signed);
  w.WriteStop();
}

void Decode(CompactReader& r, VariantType* out) {
  ReadStruct(
      r, [&](const FieldHeader& f) { return f.id == 1 && Get(r, f, &out->specification_version); });
}
void Encode(CompactWriter& w, const VariantType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.specification_version);
  w.WriteStop();
}

void Decode(CompactReader& r, GeometryType* out) {
  ReadStruct(r, [&](const FieldHeader& f) { return f.id == 1 && Get(r, f, &out->crs); });
}
void Encode(CompactWriter& w, const GeometryType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.crs);
  w.WriteStop();
}

void Decode(CompactReader& r, GeographyType* out) {
  ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->crs);
      case 2:
        return Get(r, f, &out->algorithm);
      default:
        return false;
    }
  });
}
void Encode(CompactWriter& w, const GeographyType& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.crs);
  Put(w, &last, 2, v.algorithm);
  w.WriteStop();
}

void Decode(CompactReader& r, LogicalType* out) {
  using Kind = LogicalType::Kind;
  out->kind = Kind::kUnrecognized;
  out->unrecognized_field_id = 0;
  ReadStruct(r, [&](const FieldHeader& f) {
    if (f.type != CompactType::kStruct) return false;
    const Kind kind = static_cast<Kind>(f.id);
    switch (kind) {
      case Kind::kString:
      case Kind::kMap:
      case Kind::kList:
      case Kind::kEnum:
      case Kind::kDate:
      case Kind::kUnknown:
      case Kind::kJson:
      case Kind::kBson:
      case Kind::kUuid:
      case Kind::kFloat16:
      case Kind::kVector:
        r.Skip(CompactType::kStruct);  // an empty marker struct (may gain fields later)
        break;
      case Kind::kDecimal:
        Decode(r, &out->decimal);
        break;
      case Kind::kTime:
        Decode(r, &out->time);
        break;
      case Kind::kTimestamp:
        Decode(r, &out->timestamp);
        break;
      case Kind::kInteger:
        Decode(r, &out->integer);
        break;
      case Kind::kVariant:
        Decode(r, &out->variant);
        break;
      case Kind::kGeometry:
        Decode(r, &out->geometry);
        break;
      case Kind::kGeography:
        Decode(r, &out->geography);
        break;
      default:
        if (out->kind == Kind::kUnrecognized) out->unrecognized_field_id = f.id;
        return false;
    }
    out->kind = kind;
    out->unrecognized_field_id = 0;
    return true;
  });
}
void Encode(CompactWriter& w, const LogicalType& v) {
  using Kind = LogicalType::Kind;
  int16_t last = 0;
  const int16_t id = static_cast<int16_t>(v.kind);
  switch (v.kind) {
    case Kind::kUnrecognized:
      break;
    case Kind::kDecimal:
      Put(w, &last, id, v.decimal);
      break;
    case Kind::kTime:
      Put(w, &last, id, v.time);
      break;
    case Kind::kTimestamp:
      Put(w, &last, id, v.timestamp);
      break;
    case Kind::kInteger:
      Put(w, &last, id, v.integer);
      break;
    case Kind::kVariant:
      Put(w, &last, id, v.variant);
      break;
    case Kind::kGeometry:
      Put(w, &last, id, v.geometry);
      break;
    case Kind::kGeography:
      Put(w, &last, id, v.geography);
      break;
    default:
      PutEmptyStruct(w, &last, id);
      break;
  }
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Schema.

void Decode(CompactReader& r, SchemaElement* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->type);
      case 2:
        return Get(r, f, &out->type_length);
      case 3:
        return Get(r, f, &out->repetition_type);
      case 4:
        return Get(r, f, &out->name);
      case 5:
        return Get(r, f, &out->num_children);
      case 6:
        return Get(r, f, &out->converted_type);
      case 7:
        return Get(r, f, &out->scale);
      case 8:
        return Get(r, f, &out->precision);
      case 9:
        return Get(r, f, &out->field_id);
      case 10:
        return Get(r, f, &out->logical_type);
      case 11:
        return Get(r, f, &out->vector_length);
      default:
        return false;
    }
  });
  Require(r, seen, 4, "SchemaElement", "name");
}
void Encode(CompactWriter& w, const SchemaElement& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.type);
  Put(w, &last, 2, v.type_length);
  Put(w, &last, 3, v.repetition_type);
  Put(w, &last, 4, v.name);
  Put(w, &last, 5, v.num_children);
  Put(w, &last, 6, v.converted_type);
  Put(w, &last, 7, v.scale);
  Put(w, &last, 8, v.precision);
  Put(w, &last, 9, v.field_id);
  if (v.logical_type && v.logical_type->kind != LogicalType::Kind::kUnrecognized) {
    Put(w, &last, 10, *v.logical_type);
  }
  Put(w, &last, 11, v.vector_length);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Pages.

void Decode(CompactReader& r, DataPageHeader* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->num_values);
      case 2:
        return Get(r, f, &out->encoding);
      case 3:
        return Get(r, f, &out->definition_level_encoding);
      case 4:
        return Get(r, f, &out->repetition_level_encoding);
      case 5:
        return Get(r, f, &out->statistics);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "DataPageHeader", "num_values");
  Require(r, seen, 2, "DataPageHeader", "encoding");
  Require(r, seen, 3, "DataPageHeader", "definition_level_encoding");
  Require(r, seen, 4, "DataPageHeader", "repetition_level_encoding");
}
void Encode(CompactWriter& w, const DataPageHeader& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.num_values);
  Put(w, &last, 2, v.encoding);
  Put(w, &last, 3, v.definition_level_encoding);
  Put(w, &last, 4, v.repetition_level_encoding);
  Put(w, &last, 5, v.statistics);
  w.WriteStop();
}

void Decode(CompactReader& r, IndexPageHeader*) {
  ReadStruct(r, [](const FieldHeader&) { return false; });
}
void Encode(CompactWriter& w, const IndexPageHeader&) { w.WriteStop(); }

void Decode(CompactReader& r, DictionaryPageHeader* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->num_values);
      case 2:
        return Get(r, f, &out->encoding);
      case 3:
        return Get(r, f, &out->is_sorted);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "DictionaryPageHeader", "num_values");
  Require(r, seen, 2, "DictionaryPageHeader", "encoding");
}
void Encode(CompactWriter& w, const DictionaryPageHeader& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.num_values);
  Put(w, &last, 2, v.encoding);
  Put(w, &last, 3, v.is_sorted);
  w.WriteStop();
}

void Decode(CompactReader& r, DataPageHeaderV2* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->num_values);
      case 2:
        return Get(r, f, &out->num_nulls);
      case 3:
        return Get(r, f, &out->num_rows);
      case 4:
        return Get(r, f, &out->encoding);
      case 5:
        return Get(r, f, &out->definition_levels_byte_length);
      case 6:
        return Get(r, f, &out->repetition_levels_byte_length);
      case 7:
        return Get(r, f, &out->is_compressed);
      case 8:
        return Get(r, f, &out->statistics);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "DataPageHeaderV2", "num_values");
  Require(r, seen, 2, "DataPageHeaderV2", "num_nulls");
  Require(r, seen, 3, "DataPageHeaderV2", "num_rows");
  Require(r, seen, 4, "DataPageHeaderV2", "encoding");
  Require(r, seen, 5, "DataPageHeaderV2", "definition_levels_byte_length");
  Require(r, seen, 6, "DataPageHeaderV2", "repetition_levels_byte_length");
}
void Encode(CompactWriter& w, const DataPageHeaderV2& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.num_values);
  Put(w, &last, 2, v.num_nulls);
  Put(w, &last, 3, v.num_rows);
  Put(w, &last, 4, v.encoding);
  Put(w, &last, 5, v.definition_levels_byte_length);
  Put(w, &last, 6, v.repetition_levels_byte_length);
  Put(w, &last, 7, v.is_compressed);
  Put(w, &last, 8, v.statistics);
  w.WriteStop();
}

void Decode(CompactReader& r, PageHeader* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->type);
      case 2:
        return Get(r, f, &out->uncompressed_page_size);
      case 3:
        return Get(r, f, &out->compressed_page_size);
      case 4:
        return Get(r, f, &out->crc);
      case 5:
        return Get(r, f, &out->data_page_header);
      case 6:
        return Get(r, f, &out->index_page_header);
      case 7:
        return Get(r, f, &out->dictionary_page_header);
      case 8:
        return Get(r, f, &out->data_page_header_v2);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "PageHeader", "type");
  Require(r, seen, 2, "PageHeader", "uncompressed_page_size");
  Require(r, seen, 3, "PageHeader", "compressed_page_size");
}
void Encode(CompactWriter& w, const PageHeader& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.type);
  Put(w, &last, 2, v.uncompressed_page_size);
  Put(w, &last, 3, v.compressed_page_size);
  Put(w, &last, 4, v.crc);
  Put(w, &last, 5, v.data_page_header);
  Put(w, &last, 6, v.index_page_header);
  Put(w, &last, 7, v.dictionary_page_header);
  Put(w, &last, 8, v.data_page_header_v2);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Bloom filter header.

void Decode(CompactReader& r, BloomFilterAlgorithm* out) { DecodeMarkerUnion(r, out, 1); }
void Encode(CompactWriter& w, const BloomFilterAlgorithm& v) { EncodeMarkerUnion(w, v); }
void Decode(CompactReader& r, BloomFilterHash* out) { DecodeMarkerUnion(r, out, 1); }
void Encode(CompactWriter& w, const BloomFilterHash& v) { EncodeMarkerUnion(w, v); }
void Decode(CompactReader& r, BloomFilterCompression* out) { DecodeMarkerUnion(r, out, 1); }
void Encode(CompactWriter& w, const BloomFilterCompression& v) { EncodeMarkerUnion(w, v); }

void Decode(CompactReader& r, BloomFilterHeader* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->num_bytes);
      case 2:
        return Get(r, f, &out->algorithm);
      case 3:
        return Get(r, f, &out->hash);
      case 4:
        return Get(r, f, &out->compression);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "BloomFilterHeader", "numBytes");
  Require(r, seen, 2, "BloomFilterHeader", "algorithm");
  Require(r, seen, 3, "BloomFilterHeader", "hash");
  Require(r, seen, 4, "BloomFilterHeader", "compression");
}
void Encode(CompactWriter& w, const BloomFilterHeader& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.num_bytes);
  Put(w, &last, 2, v.algorithm);
  Put(w, &last, 3, v.hash);
  Put(w, &last, 4, v.compression);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Column chunks and row groups.

void Decode(CompactReader& r, KeyValue* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->key);
      case 2:
        return Get(r, f, &out->value);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "KeyValue", "key");
}
void Encode(CompactWriter& w, const KeyValue& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.key);
  Put(w, &last, 2, v.value);
  w.WriteStop();
}

void Decode(CompactReader& r, SortingColumn* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->column_idx);
      case 2:
        return Get(r, f, &out->descending);
      case 3:
        return Get(r, f, &out->nulls_first);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "SortingColumn", "column_idx");
  Require(r, seen, 2, "SortingColumn", "descending");
  Require(r, seen, 3, "SortingColumn", "nulls_first");
}
void Encode(CompactWriter& w, const SortingColumn& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.column_idx);
  Put(w, &last, 2, v.descending);
  Put(w, &last, 3, v.nulls_first);
  w.WriteStop();
}

void Decode(CompactReader& r, PageEncodingStats* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->page_type);
      case 2:
        return Get(r, f, &out->encoding);
      case 3:
        return Get(r, f, &out->count);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "PageEncodingStats", "page_type");
  Require(r, seen, 2, "PageEncodingStats", "encoding");
  Require(r, seen, 3, "PageEncodingStats", "count");
}
void Encode(CompactWriter& w, const PageEncodingStats& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.page_type);
  Put(w, &last, 2, v.encoding);
  Put(w, &last, 3, v.count);
  w.WriteStop();
}

void Decode(CompactReader& r, ColumnMetaData* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->type);
      case 2:
        return Get(r, f, &out->encodings);
      case 3:
        return Get(r, f, &out->path_in_schema);
      case 4:
        return Get(r, f, &out->codec);
      case 5:
        return Get(r, f, &out->num_values);
      case 6:
        return Get(r, f, &out->total_uncompressed_size);
      case 7:
        return Get(r, f, &out->total_compressed_size);
      case 8:
        return Get(r, f, &out->key_value_metadata);
      case 9:
        return Get(r, f, &out->data_page_offset);
      case 10:
        return Get(r, f, &out->index_page_offset);
      case 11:
        return Get(r, f, &out->dictionary_page_offset);
      case 12:
        return Get(r, f, &out->statistics);
      case 13:
        return Get(r, f, &out->encoding_stats);
      case 14:
        return Get(r, f, &out->bloom_filter_offset);
      case 15:
        return Get(r, f, &out->bloom_filter_length);
      case 16:
        return Get(r, f, &out->size_statistics);
      case 17:
        return Get(r, f, &out->geospatial_statistics);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "ColumnMetaData", "type");
  Require(r, seen, 2, "ColumnMetaData", "encodings");
  Require(r, seen, 3, "ColumnMetaData", "path_in_schema");
  Require(r, seen, 4, "ColumnMetaData", "codec");
  Require(r, seen, 5, "ColumnMetaData", "num_values");
  Require(r, seen, 6, "ColumnMetaData", "total_uncompressed_size");
  Require(r, seen, 7, "ColumnMetaData", "total_compressed_size");
  Require(r, seen, 9, "ColumnMetaData", "data_page_offset");
}
void Encode(CompactWriter& w, const ColumnMetaData& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.type);
  Put(w, &last, 2, v.encodings);
  Put(w, &last, 3, v.path_in_schema);
  Put(w, &last, 4, v.codec);
  Put(w, &last, 5, v.num_values);
  Put(w, &last, 6, v.total_uncompressed_size);
  Put(w, &last, 7, v.total_compressed_size);
  Put(w, &last, 8, v.key_value_metadata);
  Put(w, &last, 9, v.data_page_offset);
  Put(w, &last, 10, v.index_page_offset);
  Put(w, &last, 11, v.dictionary_page_offset);
  Put(w, &last, 12, v.statistics);
  Put(w, &last, 13, v.encoding_stats);
  Put(w, &last, 14, v.bloom_filter_offset);
  Put(w, &last, 15, v.bloom_filter_length);
  Put(w, &last, 16, v.size_statistics);
  Put(w, &last, 17, v.geospatial_statistics);
  w.WriteStop();
}

void Decode(CompactReader& r, EncryptionWithColumnKey* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->path_in_schema);
      case 2:
        return Get(r, f, &out->key_metadata);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "EncryptionWithColumnKey", "path_in_schema");
}
void Encode(CompactWriter& w, const EncryptionWithColumnKey& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.path_in_schema);
  Put(w, &last, 2, v.key_metadata);
  w.WriteStop();
}

void Decode(CompactReader& r, ColumnCryptoMetaData* out) {
  using Kind = ColumnCryptoMetaData::Kind;
  out->kind = Kind::kUnrecognized;
  out->unrecognized_field_id = 0;
  ReadStruct(r, [&](const FieldHeader& f) {
    if (f.type == CompactType::kStruct && f.id == 1) {
      r.Skip(CompactType::kStruct);
    } else if (f.type == CompactType::kStruct && f.id == 2) {
      Decode(r, &out->encryption_with_column_key);
    } else {
      if (out->kind == Kind::kUnrecognized) out->unrecognized_field_id = f.id;
      return false;
    }
    out->kind = static_cast<Kind>(f.id);
    out->unrecognized_field_id = 0;
    return true;
  });
}
void Encode(CompactWriter& w, const ColumnCryptoMetaData& v) {
  using Kind = ColumnCryptoMetaData::Kind;
  int16_t last = 0;
  if (v.kind == Kind::kEncryptionWithFooterKey) PutEmptyStruct(w, &last, 1);
  if (v.kind == Kind::kEncryptionWithColumnKey) Put(w, &last, 2, v.encryption_with_column_key);
  w.WriteStop();
}

void Decode(CompactReader& r, ColumnChunk* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->file_path);
      case 2:
        return Get(r, f, &out->file_offset);
      case 3:
        return Get(r, f, &out->meta_data);
      case 4:
        return Get(r, f, &out->offset_index_offset);
      case 5:
        return Get(r, f, &out->offset_index_length);
      case 6:
        return Get(r, f, &out->column_index_offset);
      case 7:
        return Get(r, f, &out->column_index_length);
      case 8:
        return Get(r, f, &out->crypto_metadata);
      case 9:
        return Get(r, f, &out->encrypted_column_metadata);
      default:
        return false;
    }
  });
  Require(r, seen, 2, "ColumnChunk", "file_offset");
}
void Encode(CompactWriter& w, const ColumnChunk& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.file_path);
  Put(w, &last, 2, v.file_offset);
  Put(w, &last, 3, v.meta_data);
  Put(w, &last, 4, v.offset_index_offset);
  Put(w, &last, 5, v.offset_index_length);
  Put(w, &last, 6, v.column_index_offset);
  Put(w, &last, 7, v.column_index_length);
  Put(w, &last, 8, v.crypto_metadata);
  Put(w, &last, 9, v.encrypted_column_metadata);
  w.WriteStop();
}

void Decode(CompactReader& r, RowGroup* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->columns);
      case 2:
        return Get(r, f, &out->total_byte_size);
      case 3:
        return Get(r, f, &out->num_rows);
      case 4:
        return Get(r, f, &out->sorting_columns);
      case 5:
        return Get(r, f, &out->file_offset);
      case 6:
        return Get(r, f, &out->total_compressed_size);
      case 7:
        return Get(r, f, &out->ordinal);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "RowGroup", "columns");
  Require(r, seen, 2, "RowGroup", "total_byte_size");
  Require(r, seen, 3, "RowGroup", "num_rows");
}
void Encode(CompactWriter& w, const RowGroup& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.columns);
  Put(w, &last, 2, v.total_byte_size);
  Put(w, &last, 3, v.num_rows);
  Put(w, &last, 4, v.sorting_columns);
  Put(w, &last, 5, v.file_offset);
  Put(w, &last, 6, v.total_compressed_size);
  Put(w, &last, 7, v.ordinal);
  w.WriteStop();
}

void Decode(CompactReader& r, ColumnOrder* out) { DecodeMarkerUnion(r, out, 3); }
void Encode(CompactWriter& w, const ColumnOrder& v) { EncodeMarkerUnion(w, v); }

// ---------------------------------------------------------------------------------------
// Page index.

void Decode(CompactReader& r, PageLocation* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->offset);
      case 2:
        return Get(r, f, &out->compressed_page_size);
      case 3:
        return Get(r, f, &out->first_row_index);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "PageLocation", "offset");
  Require(r, seen, 2, "PageLocation", "compressed_page_size");
  Require(r, seen, 3, "PageLocation", "first_row_index");
}
void Encode(CompactWriter& w, const PageLocation& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.offset);
  Put(w, &last, 2, v.compressed_page_size);
  Put(w, &last, 3, v.first_row_index);
  w.WriteStop();
}

void Decode(CompactReader& r, OffsetIndex* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->page_locations);
      case 2:
        return Get(r, f, &out->unencoded_byte_array_data_bytes);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "OffsetIndex", "page_locations");
}
void Encode(CompactWriter& w, const OffsetIndex& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.page_locations);
  Put(w, &last, 2, v.unencoded_byte_array_data_bytes);
  w.WriteStop();
}

void Decode(CompactReader& r, ColumnIndex* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->null_pages);
      case 2:
        return Get(r, f, &out->min_values);
      case 3:
        return Get(r, f, &out->max_values);
      case 4:
        return Get(r, f, &out->boundary_order);
      case 5:
        return Get(r, f, &out->null_counts);
      case 6:
        return Get(r, f, &out->repetition_level_histograms);
      case 7:
        return Get(r, f, &out->definition_level_histograms);
      case 8:
        return Get(r, f, &out->nan_counts);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "ColumnIndex", "null_pages");
  Require(r, seen, 2, "ColumnIndex", "min_values");
  Require(r, seen, 3, "ColumnIndex", "max_values");
  Require(r, seen, 4, "ColumnIndex", "boundary_order");
}
void Encode(CompactWriter& w, const ColumnIndex& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.null_pages);
  Put(w, &last, 2, v.min_values);
  Put(w, &last, 3, v.max_values);
  Put(w, &last, 4, v.boundary_order);
  Put(w, &last, 5, v.null_counts);
  Put(w, &last, 6, v.repetition_level_histograms);
  Put(w, &last, 7, v.definition_level_histograms);
  Put(w, &last, 8, v.nan_counts);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Encryption.

template <typename Aes>
void DecodeAes(CompactReader& r, Aes* out) {
  ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->aad_prefix);
      case 2:
        return Get(r, f, &out->aad_file_unique);
      case 3:
        return Get(r, f, &out->supply_aad_prefix);
      default:
        return false;
    }
  });
}
template <typename Aes>
void EncodeAes(CompactWriter& w, const Aes& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.aad_prefix);
  Put(w, &last, 2, v.aad_file_unique);
  Put(w, &last, 3, v.supply_aad_prefix);
  w.WriteStop();
}
void Decode(CompactReader& r, AesGcmV1* out) { DecodeAes(r, out); }
void Encode(CompactWriter& w, const AesGcmV1& v) { EncodeAes(w, v); }
void Decode(CompactReader& r, AesGcmCtrV1* out) { DecodeAes(r, out); }
void Encode(CompactWriter& w, const AesGcmCtrV1& v) { EncodeAes(w, v); }

void Decode(CompactReader& r, EncryptionAlgorithm* out) {
  using Kind = EncryptionAlgorithm::Kind;
  out->kind = Kind::kUnrecognized;
  out->unrecognized_field_id = 0;
  ReadStruct(r, [&](const FieldHeader& f) {
    if (f.type == CompactType::kStruct && f.id == 1) {
      Decode(r, &out->aes_gcm_v1);
    } else if (f.type == CompactType::kStruct && f.id == 2) {
      Decode(r, &out->aes_gcm_ctr_v1);
    } else {
      if (out->kind == Kind::kUnrecognized) out->unrecognized_field_id = f.id;
      return false;
    }
    out->kind = static_cast<Kind>(f.id);
    out->unrecognized_field_id = 0;
    return true;
  });
}
void Encode(CompactWriter& w, const EncryptionAlgorithm& v) {
  using Kind = EncryptionAlgorithm::Kind;
  int16_t last = 0;
  if (v.kind == Kind::kAesGcmV1) Put(w, &last, 1, v.aes_gcm_v1);
  if (v.kind == Kind::kAesGcmCtrV1) Put(w, &last, 2, v.aes_gcm_ctr_v1);
  w.WriteStop();
}

void Decode(CompactReader& r, FileCryptoMetaData* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->encryption_algorithm);
      case 2:
        return Get(r, f, &out->key_metadata);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "FileCryptoMetaData", "encryption_algorithm");
}
void Encode(CompactWriter& w, const FileCryptoMetaData& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.encryption_algorithm);
  Put(w, &last, 2, v.key_metadata);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// The footer.

void Decode(CompactReader& r, FileMetaData* out) {
  const uint64_t seen = ReadStruct(r, [&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        return Get(r, f, &out->version);
      case 2:
        return Get(r, f, &out->schema);
      case 3:
        return Get(r, f, &out->num_rows);
      case 4:
        return Get(r, f, &out->row_groups);
      case 5:
        return Get(r, f, &out->key_value_metadata);
      case 6:
        return Get(r, f, &out->created_by);
      case 7:
        return Get(r, f, &out->column_orders);
      case 8:
        return Get(r, f, &out->encryption_algorithm);
      case 9:
        return Get(r, f, &out->footer_signing_key_metadata);
      default:
        return false;
    }
  });
  Require(r, seen, 1, "FileMetaData", "version");
  Require(r, seen, 2, "FileMetaData", "schema");
  Require(r, seen, 3, "FileMetaData", "num_rows");
  Require(r, seen, 4, "FileMetaData", "row_groups");
}
void Encode(CompactWriter& w, const FileMetaData& v) {
  int16_t last = 0;
  Put(w, &last, 1, v.version);
  Put(w, &last, 2, v.schema);
  Put(w, &last, 3, v.num_rows);
  Put(w, &last, 4, v.row_groups);
  Put(w, &last, 5, v.key_value_metadata);
  Put(w, &last, 6, v.created_by);
  Put(w, &last, 7, v.column_orders);
  Put(w, &last, 8, v.encryption_algorithm);
  Put(w, &last, 9, v.footer_signing_key_metadata);
  w.WriteStop();
}

// ---------------------------------------------------------------------------------------
// Entry points.

template <typename T>
Result<T> DecodeTop(std::span<const uint8_t> bytes, size_t* consumed, std::string_view name) {
  CompactReader r(bytes);
  T value;
  Decode(r, &value);
  if (!r.ok()) return r.status().WithContext(fmt::format("decoding {}", name));
  if (consumed != nullptr) *consumed = r.position();
  return value;
}

template <typename T>
void EncodeTop(const T& v, Buffer* out) {
  CompactWriter w(out);
  Encode(w, v);
}

template <typename T>
void EncodeTop(const T& v, std::string* out) {
  Buffer tmp;
  EncodeTop(v, &tmp);
  out->append(tmp.view());
}

}  // namespace

bool IsEncryptedFooterMagic(std::string_view last4) { return last4 == kParquetEncryptedMagic; }

Result<FileMetaData> DecodeFileMetaData(std::span<const uint8_t> bytes, size_t* consumed) {
  return DecodeTop<FileMetaData>(bytes, consumed, "FileMetaData");
}
Result<PageHeader> DecodePageHeader(std::span<const uint8_t> bytes, size_t* consumed) {
  return DecodeTop<PageHeader>(bytes, consumed, "PageHeader");
}
Result<ColumnIndex> DecodeColumnIndex(std::span<const uint8_t> bytes, size_t* consumed) {
  return DecodeTop<ColumnIndex>(bytes, consumed, "ColumnIndex");
}
Result<OffsetIndex> DecodeOffsetIndex(std::span<const uint8_t> bytes, size_t* consumed) {
  return DecodeTop<OffsetIndex>(bytes, consumed, "OffsetIndex");
}
Result<BloomFilterHeader> DecodeBloomFilterHeader(std::span<const uint8_t> bytes,
                                                  size_t* consumed) {
  return DecodeTop<BloomFilterHeader>(bytes, consumed, "BloomFilterHeader");
}
Result<FileCryptoMetaData> DecodeFileCryptoMetaData(std::span<const uint8_t> bytes,
                                                    size_t* consumed) {
  return DecodeTop<FileCryptoMetaData>(bytes, consumed, "FileCryptoMetaData");
}

void EncodeFileMetaData(const FileMetaData& v, Buffer* out) { EncodeTop(v, out); }
void EncodeFileMetaData(const FileMetaData& v, std::string* out) { EncodeTop(v, out); }
void EncodePageHeader(const PageHeader& v, Buffer* out) { EncodeTop(v, out); }
void EncodePageHeader(const PageHeader& v, std::string* out) { EncodeTop(v, out); }
void EncodeColumnIndex(const ColumnIndex& v, Buffer* out) { EncodeTop(v, out); }
void EncodeColumnIndex(const ColumnIndex& v, std::string* out) { EncodeTop(v, out); }
void EncodeOffsetIndex(const OffsetIndex& v, Buffer* out) { EncodeTop(v, out); }
void EncodeOffsetIndex(const OffsetIndex& v, std::string* out) { EncodeTop(v, out); }
void EncodeBloomFilterHeader(const BloomFilterHeader& v, Buffer* out) { EncodeTop(v, out); }
void EncodeBloomFilterHeader(const BloomFilterHeader& v, std::string* out) { EncodeTop(v, out); }
void EncodeFileCryptoMetaData(const FileCryptoMetaData& v, Buffer* out) { EncodeTop(v, out); }
void EncodeFileCryptoMetaData(const FileCryptoMetaData& v, std::string* out) { EncodeTop(v, out); }

}  // namespace floe::parquet
