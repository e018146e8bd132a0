// Parquet's enumerations, with the numeric values of parquet.thrift, shared by the
// Thrift metadata codec, the encodings, the codecs and the column readers/writers.
#pragma once

#include <cstdint>
#include <string_view>

namespace floe::parquet {

// Physical types (parquet.thrift `Type`).
enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// Legacy annotations (parquet.thrift `ConvertedType`).
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated: Hadoop-framed or raw block, see compression.h
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class BoundaryOrder : int32_t { kUnordered = 0, kAscending = 1, kDescending = 2 };

std::string_view TypeName(Type t);
std::string_view EncodingName(Encoding e);
std::string_view CodecName(CompressionCodec c);
std::string_view PageTypeName(PageType t);

// Bytes per value for fixed-width physical types; 0 for BOOLEAN (bit-packed), BYTE_ARRAY
// and FIXED_LEN_BYTE_ARRAY (whose width is in the schema).
constexpr int FixedWidth(Type t) {
  switch (t) {
    case Type::kInt32:
    case Type::kFloat:
      return 4;
    case Type::kInt64:
    case Type::kDouble:
      return 8;
    case Type::kInt96:
      return 12;
    default:
      return 0;
  }
}

// A BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY value as a view into a buffer its producer keeps alive.
struct ByteArray {
  const uint8_t* ptr = nullptr;
  uint32_t len = 0;
  std::string_view view() const { return {reinterpret_cast<const char*>(ptr), len}; }
};

}  // namespace floe::parquet
