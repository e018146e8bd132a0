// Parquet's Thrift metadata structs (apache/parquet-format src/main/thrift/parquet.thrift)
// as plain C++ values, and their Thrift compact-protocol encoders and decoders.
//
// Mapping rules, applied uniformly so the API can be predicted from parquet.thrift:
//   * Struct names are the Thrift names (FileMetaData, ColumnChunk, PageHeader, ...).
//   * Field names are the Thrift names. The few camelCase Thrift names are written in
//     snake_case: logicalType -> logical_type, isAdjustedToUTC -> is_adjusted_to_utc,
//     bitWidth -> bit_width, isSigned -> is_signed, numBytes -> num_bytes.
//   * `optional` fields are std::optional<T> (including optional lists:
//     std::optional<std::vector<T>>, so "absent" and "empty" stay distinct).
//     `required` fields are plain members.
//   * list<T> / set<T> -> std::vector<T>; binary and string -> std::string; i8/i16/i32/i64 ->
//     int8_t/int16_t/int32_t/int64_t; double -> double; enums -> the enum classes of
//     types.h (values outside the known range are kept as their number, never rejected).
//   * Empty marker structs (StringType, MilliSeconds, TypeDefinedOrder, XxHash, ...) have no
//     C++ type; they only show up as a union's `kind`.
//   * A Thrift union becomes a struct with `Kind kind` (whose values are the Thrift field
//     ids) plus one member per parameterised alternative, valid only when `kind` selects it:
//       LogicalType{.kind = LogicalType::Kind::kTimestamp,
//                   .timestamp = TimestampType{.is_adjusted_to_utc = true,
//                                              .unit = {TimeUnit::Kind::kMicros}}}
//     A union member this code does not know (a newer writer) decodes to
//     `Kind::kUnrecognized` (value 0) with its Thrift field id in `unrecognized_field_id`;
//     it is not an error. Encoding a kUnrecognized union writes nothing for the optional
//     field holding it (the payload was not kept); a required one is written as an empty
//     union.
//   * Unknown struct fields are skipped on decode (forward compatibility).
//   * The `// N` after each member is its Thrift field id. Every member has a default, so
//     designated initializers may name only the fields they set; the marker unions that
//     have one sensible value (ColumnOrder, BloomFilter*) default to it.
//
// Decoders take untrusted bytes: every length, count and nesting depth is bounded by the
// input, a missing required field is Corruption("<Struct>: required field '<name>'
// missing ..."), and no input makes them crash, hang or allocate without bound. The
// decoded values own all their bytes (no views into the input). All functions here are
// thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// ---------------------------------------------------------------------------------------
// Enums not in types.h.

// parquet.thrift `EdgeInterpolationAlgorithm` (GeographyType.algorithm).
enum class EdgeInterpolationAlgorithm : int32_t {
  kSpherical = 0,
  kVincenty = 1,
  kThomas = 2,
  kAndoyer = 3,
  kKarney = 4,
};

// parquet.thrift FieldRepetitionType VECTOR = 3 (types.h stops at kRepeated).
inline constexpr FieldRepetitionType kFieldRepetitionVector = static_cast<FieldRepetitionType>(3);

// ---------------------------------------------------------------------------------------
// Statistics.

struct SizeStatistics {
  std::optional<int64_t> unencoded_byte_array_data_bytes{};          // 1
  std::optional<std::vector<int64_t>> repetition_level_histogram{};  // 2
  std::optional<std::vector<int64_t>> definition_level_histogram{};  // 3
  bool operator==(const SizeStatistics&) const = default;
};

struct BoundingBox {
  double xmin = 0;               // 1
  double xmax = 0;               // 2
  double ymin = 0;               // 3
  double ymax = 0;               // 4
  std::optional<double> zmin{};  // 5
  std::optional<double> zmax{};  // 6
  std::optional<double> mmin{};  // 7
  std::optional<double> mmax{};  // 8
  bool operator==(const BoundingBox&) const = default;
};

struct GeospatialStatistics {
  std::optional<BoundingBox> bbox{};                       // 1
  std::optional<std::vector<int32_t>> geospatial_types{};  // 2
  bool operator==(const GeospatialStatistics&) const = default;
};

// Min/max values are PLAIN-encoded bytes without a length prefix (see parquet.thrift).
struct Statistics {
  std::optional<std::string> max{};          // 1 (deprecated)
  std::optional<std::string> min{};          // 2 (deprecated)
  std::optional<int64_t> null_count{};       // 3
  std::optional<int64_t> distinct_count{};   // 4
  std::optional<std::string> max_value{};    // 5
  std::optional<std::string> min_value{};    // 6
  std::optional<bool> is_max_value_exact{};  // 7
  std::optional<bool> is_min_value_exact{};  // 8
  std::optional<int64_t> nan_count{};        // 9
  bool operator==(const Statistics&) const = default;
};

// ---------------------------------------------------------------------------------------
// Logical types.

struct DecimalType {
  int32_t scale = 0;      // 1
  int32_t precision = 0;  // 2
  bool operator==(const DecimalType&) const = default;
};

// union TimeUnit { 1: MilliSeconds MILLIS; 2: MicroSeconds MICROS; 3: NanoSeconds NANOS }
struct TimeUnit {
  enum class Kind : int16_t { kUnrecognized = 0, kMillis = 1, kMicros = 2, kNanos = 3 };
  Kind kind = Kind::kUnrecognized;
  int16_t unrecognized_field_id = 0;  // the Thrift field id when kind == kUnrecognized
  bool operator==(const TimeUnit&) const = default;
};

struct TimestampType {
  bool is_adjusted_to_utc = false;  // 1 isAdjustedToUTC
  TimeUnit unit{};                  // 2
  bool operator==(const TimestampType&) const = default;
};

struct TimeType {
  bool is_adjusted_to_utc = false;  // 1 isAdjustedToUTC
  TimeUnit unit{};                  // 2
  bool operator==(const TimeType&) const = default;
};

struct IntType {
  int8_t bit_width = 0;    // 1 bitWidth: 8, 16, 32 or 64
  bool is_signed = false;  // 2 isSigned
  bool operator==(const IntType&) const = default;
};

struct VariantType {
  std::optional<int8_t> specification_version{};  // 1
  bool operator==(const VariantType&) const = default;
};

struct GeometryType {
  std::optional<std::string> crs{};  // 1
  bool operator==(const GeometryType&) const = default;
};

struct GeographyType {
  std::optional<std::string> crs{};                       // 1
  std::optional<EdgeInterpolationAlgorithm> algorithm{};  // 2
  bool operator==(const GeographyType&) const = default;
};

// union LogicalType. Kind values are the Thrift field ids; note that Thrift's UNKNOWN
// (NullType: "always null") is kUnknown, while a union member this code does not know is
// kUnrecognized.
struct LogicalType {
  enum class Kind : int16_t {
    kUnrecognized = 0,
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,  // `decimal`
    kDate = 6,
    kTime = 7,       // `time`
    kTimestamp = 8,  // `timestamp`
    // 9 is reserved for INTERVAL.
    kInteger = 10,  // `integer`
    kUnknown = 11,  // NullType
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kVariant = 16,    // `variant`
    kGeometry = 17,   // `geometry`
    kGeography = 18,  // `geography`
    kVector = 19,
  };
  Kind kind = Kind::kUnrecognized;
  int16_t unrecognized_field_id = 0;  // the Thrift field id when kind == kUnrecognized
  DecimalType decimal{};              // kind == kDecimal
  TimeType time{};                    // kind == kTime
  TimestampType timestamp{};          // kind == kTimestamp
  IntType integer{};                  // kind == kInteger
  VariantType variant{};              // kind == kVariant
  GeometryType geometry{};            // kind == kGeometry
  GeographyType geography{};          // kind == kGeography
  bool operator==(const LogicalType&) const = default;

  // Shorthands for building annotations.
  static LogicalType Of(Kind k) {
    LogicalType t{};
    t.kind = k;
    return t;
  }
  static LogicalType Decimal(int32_t scale, int32_t precision) {
    LogicalType t = Of(Kind::kDecimal);
    t.decimal = {scale, precision};
    return t;
  }
  static LogicalType Time(bool is_adjusted_to_utc, TimeUnit::Kind unit) {
    LogicalType t = Of(Kind::kTime);
    t.time = {is_adjusted_to_utc, {unit}};
    return t;
  }
  static LogicalType Timestamp(bool is_adjusted_to_utc, TimeUnit::Kind unit) {
    LogicalType t = Of(Kind::kTimestamp);
    t.timestamp = {is_adjusted_to_utc, {unit}};
    return t;
  }
  static LogicalType Integer(int8_t bit_width, bool is_signed) {
    LogicalType t = Of(Kind::kInteger);
    t.integer = {bit_width, is_signed};
    return t;
  }
};

// ---------------------------------------------------------------------------------------
// Schema.

// One node of the depth-first flattened schema tree. Groups have num_children and no type;
// leaves have a type and no num_children.
struct SchemaElement {
  std::optional<Type> type{};                            // 1
  std::optional<int32_t> type_length{};                  // 2
  std::optional<FieldRepetitionType> repetition_type{};  // 3
  std::string name{};                                    // 4 required
  std::optional<int32_t> num_children{};                 // 5
  std::optional<ConvertedType> converted_type{};         // 6
  std::optional<int32_t> scale{};                        // 7
  std::optional<int32_t> precision{};                    // 8
  std::optional<int32_t> field_id{};                     // 9
  std::optional<LogicalType> logical_type{};             // 10 logicalType
  std::optional<int32_t> vector_length{};                // 11
  bool operator==(const SchemaElement&) const = default;
};

// ---------------------------------------------------------------------------------------
// Pages.

struct DataPageHeader {
  int32_t num_values = 0;                               // 1
  Encoding encoding = Encoding::kPlain;                 // 2
  Encoding definition_level_encoding = Encoding::kRle;  // 3
  Encoding repetition_level_encoding = Encoding::kRle;  // 4
  std::optional<Statistics> statistics{};               // 5
  bool operator==(const DataPageHeader&) const = default;
};

struct IndexPageHeader {
  bool operator==(const IndexPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;                // 1
  Encoding encoding = Encoding::kPlain;  // 2
  std::optional<bool> is_sorted{};       // 3
  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::kPlain;       // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  std::optional<bool> is_compressed{};        // 7: absent means true (Thrift default)
  std::optional<Statistics> statistics{};     // 8
  bool operator==(const DataPageHeaderV2&) const = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;                           // 1
  int32_t uncompressed_page_size = 0;                            // 2
  int32_t compressed_page_size = 0;                              // 3
  std::optional<int32_t> crc{};                                  // 4
  std::optional<DataPageHeader> data_page_header{};              // 5
  std::optional<IndexPageHeader> index_page_header{};            // 6
  std::optional<DictionaryPageHeader> dictionary_page_header{};  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2{};         // 8
  bool operator==(const PageHeader&) const = default;
};

// ---------------------------------------------------------------------------------------
// Bloom filter header (the bitset of `num_bytes` bytes follows it).

// union BloomFilterAlgorithm { 1: SplitBlockAlgorithm BLOCK }
struct BloomFilterAlgorithm {
  enum class Kind : int16_t { kUnrecognized = 0, kBlock = 1 };
  Kind kind = Kind::kBlock;
  int16_t unrecognized_field_id = 0;
  bool operator==(const BloomFilterAlgorithm&) const = default;
};

// union BloomFilterHash { 1: XxHash XXHASH }
struct BloomFilterHash {
  enum class Kind : int16_t { kUnrecognized = 0, kXxhash = 1 };
  Kind kind = Kind::kXxhash;
  int16_t unrecognized_field_id = 0;
  bool operator==(const BloomFilterHash&) const = default;
};

// union BloomFilterCompression { 1: Uncompressed UNCOMPRESSED }
struct BloomFilterCompression {
  enum class Kind : int16_t { kUnrecognized = 0, kUncompressed = 1 };
  Kind kind = Kind::kUncompressed;
  int16_t unrecognized_field_id = 0;
  bool operator==(const BloomFilterCompression&) const = default;
};

struct BloomFilterHeader {
  int32_t num_bytes = 0;                 // 1 numBytes
  BloomFilterAlgorithm algorithm{};      // 2
  BloomFilterHash hash{};                // 3
  BloomFilterCompression compression{};  // 4
  bool operator==(const BloomFilterHeader&) const = default;
};

// ---------------------------------------------------------------------------------------
// Column chunks and row groups.

struct KeyValue {
  std::string key{};                   // 1 required
  std::optional<std::string> value{};  // 2
  bool operator==(const KeyValue&) const = default;
};

struct SortingColumn {
  int32_t column_idx = 0;    // 1
  bool descending = false;   // 2
  bool nulls_first = false;  // 3
  bool operator==(const SortingColumn&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;  // 1
  Encoding encoding = Encoding::kPlain;      // 2
  int32_t count = 0;                         // 3
  bool operator==(const PageEncodingStats&) const = default;
};

struct ColumnMetaData {
  Type type = Type::kBoolean;                                      // 1
  std::vector<Encoding> encodings{};                               // 2
  std::vector<std::string> path_in_schema{};                       // 3
  CompressionCodec codec = CompressionCodec::kUncompressed;        // 4
  int64_t num_values = 0;                                          // 5
  int64_t total_uncompressed_size = 0;                             // 6
  int64_t total_compressed_size = 0;                               // 7
  std::optional<std::vector<KeyValue>> key_value_metadata{};       // 8
  int64_t data_page_offset = 0;                                    // 9
  std::optional<int64_t> index_page_offset{};                      // 10
  std::optional<int64_t> dictionary_page_offset{};                 // 11
  std::optional<Statistics> statistics{};                          // 12
  std::optional<std::vector<PageEncodingStats>> encoding_stats{};  // 13
  std::optional<int64_t> bloom_filter_offset{};                    // 14
  std::optional<int32_t> bloom_filter_length{};                    // 15
  std::optional<SizeStatistics> size_statistics{};                 // 16
  std::optional<GeospatialStatistics> geospatial_statistics{};     // 17
  bool operator==(const ColumnMetaData&) const = default;
};

struct EncryptionWithColumnKey {
  std::vector<std::string> path_in_schema{};  // 1
  std::optional<std::string> key_metadata{};  // 2
  bool operator==(const EncryptionWithColumnKey&) const = default;
};

// union ColumnCryptoMetaData { 1: EncryptionWithFooterKey; 2: EncryptionWithColumnKey }.
// floe does not decrypt; a reader seeing this set reports NotSupported.
struct ColumnCryptoMetaData {
  enum class Kind : int16_t {
    kUnrecognized = 0,
    kEncryptionWithFooterKey = 1,
    kEncryptionWithColumnKey = 2,
  };
  Kind kind = Kind::kUnrecognized;
  int16_t unrecognized_field_id = 0;
  EncryptionWithColumnKey encryption_with_column_key{};  // kind == kEncryptionWithColumnKey
  bool operator==(const ColumnCryptoMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path{};                  // 1
  int64_t file_offset = 0;                                 // 2 required (deprecated; write 0)
  std::optional<ColumnMetaData> meta_data{};               // 3
  std::optional<int64_t> offset_index_offset{};            // 4
  std::optional<int32_t> offset_index_length{};            // 5
  std::optional<int64_t> column_index_offset{};            // 6
  std::optional<int32_t> column_index_length{};            // 7
  std::optional<ColumnCryptoMetaData> crypto_metadata{};   // 8
  std::optional<std::string> encrypted_column_metadata{};  // 9
  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns{};                           // 1
  int64_t total_byte_size = 0;                                  // 2
  int64_t num_rows = 0;                                         // 3
  std::optional<std::vector<SortingColumn>> sorting_columns{};  // 4
  std::optional<int64_t> file_offset{};                         // 5
  std::optional<int64_t> total_compressed_size{};               // 6
  std::optional<int16_t> ordinal{};                             // 7
  bool operator==(const RowGroup&) const = default;
};

// union ColumnOrder { 1: TYPE_ORDER; 2: IEEE_754_TOTAL_ORDER; 3: INT96_TIMESTAMP_ORDER }.
// Per the spec, a reader that does not know the order ignores min/max statistics.
struct ColumnOrder {
  enum class Kind : int16_t {
    kUnrecognized = 0,
    kTypeOrder = 1,
    kIeee754TotalOrder = 2,
    kInt96TimestampOrder = 3,
  };
  Kind kind = Kind::kTypeOrder;
  int16_t unrecognized_field_id = 0;
  bool operator==(const ColumnOrder&) const = default;
};

// ---------------------------------------------------------------------------------------
// Page index.

struct PageLocation {
  int64_t offset = 0;                // 1
  int32_t compressed_page_size = 0;  // 2: includes the page header
  int64_t first_row_index = 0;       // 3
  bool operator==(const PageLocation&) const = default;
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations{};                             // 1
  std::optional<std::vector<int64_t>> unencoded_byte_array_data_bytes{};  // 2
  bool operator==(const OffsetIndex&) const = default;
};

struct ColumnIndex {
  std::vector<bool> null_pages{};                                     // 1
  std::vector<std::string> min_values{};                              // 2
  std::vector<std::string> max_values{};                              // 3
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;           // 4
  std::optional<std::vector<int64_t>> null_counts{};                  // 5
  std::optional<std::vector<int64_t>> repetition_level_histograms{};  // 6
  std::optional<std::vector<int64_t>> definition_level_histograms{};  // 7
  std::optional<std::vector<int64_t>> nan_counts{};                   // 8
  bool operator==(const ColumnIndex&) const = default;
};

// ---------------------------------------------------------------------------------------
// Encryption (decoded so it can be detected and reported; floe does not decrypt).

struct AesGcmV1 {
  std::optional<std::string> aad_prefix{};       // 1
  std::optional<std::string> aad_file_unique{};  // 2
  std::optional<bool> supply_aad_prefix{};       // 3
  bool operator==(const AesGcmV1&) const = default;
};

struct AesGcmCtrV1 {
  std::optional<std::string> aad_prefix{};       // 1
  std::optional<std::string> aad_file_unique{};  // 2
  std::optional<bool> supply_aad_prefix{};       // 3
  bool operator==(const AesGcmCtrV1&) const = default;
};

// union EncryptionAlgorithm { 1: AesGcmV1 AES_GCM_V1; 2: AesGcmCtrV1 AES_GCM_CTR_V1 }
struct EncryptionAlgorithm {
  enum class Kind : int16_t { kUnrecognized = 0, kAesGcmV1 = 1, kAesGcmCtrV1 = 2 };
  Kind kind = Kind::kUnrecognized;
  int16_t unrecognized_field_id = 0;
  AesGcmV1 aes_gcm_v1{};         // kind == kAesGcmV1
  AesGcmCtrV1 aes_gcm_ctr_v1{};  // kind == kAesGcmCtrV1
  bool operator==(const EncryptionAlgorithm&) const = default;
};

// The footer of a file whose footer is encrypted ("PARE" magic) starts with this, in
// plaintext, followed by the encrypted FileMetaData.
struct FileCryptoMetaData {
  EncryptionAlgorithm encryption_algorithm{};  // 1 required
  std::optional<std::string> key_metadata{};   // 2
  bool operator==(const FileCryptoMetaData&) const = default;
};

// ---------------------------------------------------------------------------------------
// The footer.

struct FileMetaData {
  int32_t version = 1;                                        // 1
  std::vector<SchemaElement> schema{};                        // 2: schema[0] is the root
  int64_t num_rows = 0;                                       // 3
  std::vector<RowGroup> row_groups{};                         // 4
  std::optional<std::vector<KeyValue>> key_value_metadata{};  // 5
  std::optional<std::string> created_by{};                    // 6
  std::optional<std::vector<ColumnOrder>> column_orders{};    // 7: one per leaf column
  std::optional<EncryptionAlgorithm> encryption_algorithm{};  // 8: plaintext-footer encryption
  std::optional<std::string> footer_signing_key_metadata{};   // 9
  bool operator==(const FileMetaData&) const = default;
};

// ---------------------------------------------------------------------------------------
// File framing.

// "PAR1": the magic at the start and end of a plaintext-footer file.
inline constexpr std::string_view kParquetMagic = "PAR1";
// "PARE": the trailing magic of a file whose footer is encrypted.
inline constexpr std::string_view kParquetEncryptedMagic = "PARE";
// Trailing bytes of every file: 4-byte little-endian footer length + magic.
inline constexpr size_t kFooterTrailerSize = 8;

// True when `last4` (the last 4 bytes of a file) is "PARE". Readers report
// NotSupported("encrypted parquet") for such files.
bool IsEncryptedFooterMagic(std::string_view last4);

// ---------------------------------------------------------------------------------------
// Decoding. Each decoder reads one struct from the start of `bytes`; trailing bytes are
// allowed (a page's data follows its PageHeader, a bloom filter's bitset its header).
// When `consumed` is non-null it receives the number of bytes the struct occupied.
// Errors: Corruption naming the struct, the field and the byte offset.

Result<FileMetaData> DecodeFileMetaData(std::span<const uint8_t> bytes, size_t* consumed = nullptr);
Result<PageHeader> DecodePageHeader(std::span<const uint8_t> bytes, size_t* consumed = nullptr);
Result<ColumnIndex> DecodeColumnIndex(std::span<const uint8_t> bytes, size_t* consumed = nullptr);
Result<OffsetIndex> DecodeOffsetIndex(std::span<const uint8_t> bytes, size_t* consumed = nullptr);
Result<BloomFilterHeader> DecodeBloomFilterHeader(std::span<const uint8_t> bytes,
                                                  size_t* consumed = nullptr);
Result<FileCryptoMetaData> DecodeFileCryptoMetaData(std::span<const uint8_t> bytes,
                                                    size_t* consumed = nullptr);

// ---------------------------------------------------------------------------------------
// Encoding. Each encoder appends one struct to `out` (existing contents are kept).
// Encoders do not validate semantics (e.g. that a DATA_PAGE header carries a
// data_page_header); they write what they are given.

void EncodeFileMetaData(const FileMetaData& v, Buffer* out);
void EncodeFileMetaData(const FileMetaData& v, std::string* out);
void EncodePageHeader(const PageHeader& v, Buffer* out);
void EncodePageHeader(const PageHeader& v, std::string* out);
void EncodeColumnIndex(const ColumnIndex& v, Buffer* out);
void EncodeColumnIndex(const ColumnIndex& v, std::string* out);
void EncodeOffsetIndex(const OffsetIndex& v, Buffer* out);
void EncodeOffsetIndex(const OffsetIndex& v, std::string* out);
void EncodeBloomFilterHeader(const BloomFilterHeader& v, Buffer* out);
void EncodeBloomFilterHeader(const BloomFilterHeader& v, std::string* out);
void EncodeFileCryptoMetaData(const FileCryptoMetaData& v, Buffer* out);
void EncodeFileCryptoMetaData(const FileCryptoMetaData& v, std::string* out);

}  // namespace floe::parquet
