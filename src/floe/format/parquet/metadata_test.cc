// Parquet metadata structs: round trips, hand-built bytes from the Thrift compact spec and
// parquet.thrift, hostile inputs, and the real footers of the fixture files checked against
// the fixtures' independent oracles (MANIFEST.tsv row counts; meta.json: DuckDB's
// parquet_metadata() and a Python walk of every footer and page header).
#include "floe/format/parquet/metadata.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/format/parquet/thrift_compact.h"

namespace floe::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

std::span<const uint8_t> AsSpan(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename T, typename EncodeFn, typename DecodeFn>
void ExpectRoundTrip(const T& value, EncodeFn encode, DecodeFn decode) {
  std::string bytes;
  encode(value, &bytes);
  size_t consumed = 0;
  auto decoded = decode(AsSpan(bytes), &consumed);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(consumed, bytes.size());
  EXPECT_TRUE(*decoded == value);
  // The Buffer overload writes the same bytes.
  Buffer buf;
  encode(value, &buf);
  EXPECT_EQ(buf.view(), bytes);
}

Statistics FullStatistics() {
  Statistics s;
  s.max = std::string("\xff\x00z", 3);
  s.min = "a";
  s.null_count = 0;  // present-and-zero must survive
  s.distinct_count = 17;
  s.max_value = "zz";
  s.min_value = "";
  s.is_max_value_exact = true;
  s.is_min_value_exact = false;
  s.nan_count = 3;
  return s;
}

// A FileMetaData with every field and every logical type set.
FileMetaData FullFileMetaData() {
  FileMetaData md;
  md.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 20;
  md.schema.push_back(root);
  const std::vector<LogicalType> logical = {
      LogicalType::Of(LogicalType::Kind::kString),
      LogicalType::Of(LogicalType::Kind::kMap),
      LogicalType::Of(LogicalType::Kind::kList),
      LogicalType::Of(LogicalType::Kind::kEnum),
      LogicalType::Decimal(2, 9),
      LogicalType::Of(LogicalType::Kind::kDate),
      LogicalType::Time(false, TimeUnit::Kind::kMillis),
      LogicalType::Timestamp(true, TimeUnit::Kind::kNanos),
      LogicalType::Timestamp(false, TimeUnit::Kind::kMicros),
      LogicalType::Integer(16, false),
      LogicalType::Integer(64, true),
      LogicalType::Of(LogicalType::Kind::kUnknown),
      LogicalType::Of(LogicalType::Kind::kJson),
      LogicalType::Of(LogicalType::Kind::kBson),
      LogicalType::Of(LogicalType::Kind::kUuid),
      LogicalType::Of(LogicalType::Kind::kFloat16),
      [] {
        LogicalType t = LogicalType::Of(LogicalType::Kind::kVariant);
        t.variant.specification_version = 1;
        return t;
      }(),
      [] {
        LogicalType t = LogicalType::Of(LogicalType::Kind::kGeometry);
        t.geometry.crs = "OGC:CRS84";
        return t;
      }(),
      [] {
        LogicalType t = LogicalType::Of(LogicalType::Kind::kGeography);
        t.geography.crs = "srid:4326";
        t.geography.algorithm = EdgeInterpolationAlgorithm::kKarney;
        return t;
      }(),
      LogicalType::Of(LogicalType::Kind::kVector),
  };
  for (size_t i = 0; i < logical.size(); ++i) {
    SchemaElement e;
    e.type = Type::kFixedLenByteArray;
    e.type_length = 16;
    e.repetition_type = i == 19 ? kFieldRepetitionVector : FieldRepetitionType::kOptional;
    e.name = "c" + std::to_string(i);
    e.converted_type = ConvertedType::kDecimal;
    e.scale = 2;
    e.precision = 9;
    e.field_id = static_cast<int32_t>(i) - 5;  // negative ids too
    e.logical_type = logical[i];
    if (i == 19) e.vector_length = 4;
    md.schema.push_back(e);
  }
  md.num_rows = int64_t{1} << 40;
  for (int g = 0; g < 2; ++g) {
    RowGroup rg;
    for (int c = 0; c < 3; ++c) {
      ColumnChunk cc;
      cc.file_path = "other.parquet";
      cc.file_offset = 4 + c;
      ColumnMetaData cmd;
      cmd.type = Type::kDouble;
      cmd.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
      cmd.path_in_schema = {"a", "b" + std::to_string(c)};
      cmd.codec = CompressionCodec::kZstd;
      cmd.num_values = 1000;
      cmd.total_uncompressed_size = 5000;
      cmd.total_compressed_size = 3000;
      cmd.key_value_metadata = std::vector<KeyValue>{{"k", "v"}, {"no_value", std::nullopt}};
      cmd.data_page_offset = 1234567890123;
      cmd.index_page_offset = 7;
      cmd.dictionary_page_offset = 8;
      cmd.statistics = FullStatistics();
      cmd.encoding_stats =
          std::vector<PageEncodingStats>{{PageType::kDictionaryPage, Encoding::kPlain, 1},
                                         {PageType::kDataPage, Encoding::kRleDictionary, 12}};
      cmd.bloom_filter_offset = 99;
      cmd.bloom_filter_length = 1024;
      cmd.size_statistics = SizeStatistics{123, std::vector<int64_t>{1, 2}, std::vector<int64_t>{}};
      GeospatialStatistics geo;
      geo.bbox = BoundingBox{-1.5, 2.5, -3.25, 4.0, 0.0, 1.0, std::nullopt, 7.0};
      geo.geospatial_types = std::vector<int32_t>{1, 3, 1001};
      cmd.geospatial_statistics = geo;
      cc.meta_data = cmd;
      cc.offset_index_offset = 100;
      cc.offset_index_length = 20;
      cc.column_index_offset = 200;
      cc.column_index_length = 30;
      if (c == 1) {
        ColumnCryptoMetaData crypto;
        crypto.kind = ColumnCryptoMetaData::Kind::kEncryptionWithColumnKey;
        crypto.encryption_with_column_key.path_in_schema = {"a", "b1"};
        crypto.encryption_with_column_key.key_metadata = "kid";
        cc.crypto_metadata = crypto;
        cc.encrypted_column_metadata = std::string("\x01\x02\x00", 3);
      } else if (c == 2) {
        ColumnCryptoMetaData crypto;
        crypto.kind = ColumnCryptoMetaData::Kind::kEncryptionWithFooterKey;
        cc.crypto_metadata = crypto;
      }
      rg.columns.push_back(cc);
    }
    rg.total_byte_size = 999;
    rg.num_rows = 500;
    rg.sorting_columns = std::vector<SortingColumn>{{0, true, false}, {2, false, true}};
    rg.file_offset = 4;
    rg.total_compressed_size = 888;
    rg.ordinal = static_cast<int16_t>(g);
    md.row_groups.push_back(rg);
  }
  md.key_value_metadata = std::vector<KeyValue>{{"ARROW:schema", std::string(300, 'x')}};
  md.created_by = "floe test";
  md.column_orders = std::vector<ColumnOrder>{{ColumnOrder::Kind::kTypeOrder},
                                              {ColumnOrder::Kind::kIeee754TotalOrder},
                                              {ColumnOrder::Kind::kInt96TimestampOrder}};
  EncryptionAlgorithm alg;
  alg.kind = EncryptionAlgorithm::Kind::kAesGcmCtrV1;
  alg.aes_gcm_ctr_v1.aad_prefix = "prefix";
  alg.aes_gcm_ctr_v1.aad_file_unique = "unique";
  alg.aes_gcm_ctr_v1.supply_aad_prefix = true;
  md.encryption_algorithm = alg;
  md.footer_signing_key_metadata = "signing";
  return md;
}

// ---------------------------------------------------------------------------------------
// Round trips.

TEST(MetadataTest, RoundTripFileMetaData) {
  ExpectRoundTrip(
      FullFileMetaData(), [](auto& v, auto* o) { EncodeFileMetaData(v, o); },
      [](auto s, size_t* c) { return DecodeFileMetaData(s, c); });
  // And a minimal one (only required fields).
  FileMetaData minimal;
  minimal.schema.push_back(SchemaElement{.name = "root"});
  ExpectRoundTrip(
      minimal, [](auto& v, auto* o) { EncodeFileMetaData(v, o); },
      [](auto s, size_t* c) { return DecodeFileMetaData(s, c); });
}

TEST(MetadataTest, RoundTripPageHeaders) {
  auto enc = [](auto& v, auto* o) { EncodePageHeader(v, o); };
  auto dec = [](auto s, size_t* c) { return DecodePageHeader(s, c); };

  PageHeader v1;
  v1.type = PageType::kDataPage;
  v1.uncompressed_page_size = 1 << 20;
  v1.compressed_page_size = 12345;
  v1.crc = -123456789;
  v1.data_page_header = DataPageHeader{1000, Encoding::kRleDictionary, Encoding::kRle,
                                       Encoding::kBitPacked, FullStatistics()};
  ExpectRoundTrip(v1, enc, dec);

  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 10;
  dict.dictionary_page_header = DictionaryPageHeader{3, Encoding::kPlain, true};
  ExpectRoundTrip(dict, enc, dec);

  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 100;
  v2.compressed_page_size = 80;
  v2.data_page_header_v2 =
      DataPageHeaderV2{50, 5, 40, Encoding::kDeltaBinaryPacked, 7, 3, false, Statistics{}};
  ExpectRoundTrip(v2, enc, dec);
  v2.data_page_header_v2->is_compressed = std::nullopt;  // absent stays absent
  v2.data_page_header_v2->statistics = std::nullopt;
  ExpectRoundTrip(v2, enc, dec);

  PageHeader index;
  index.type = PageType::kIndexPage;
  index.index_page_header = IndexPageHeader{};
  ExpectRoundTrip(index, enc, dec);
}

TEST(MetadataTest, RoundTripPageIndex) {
  ColumnIndex ci;
  ci.null_pages = {false, true, false};
  ci.min_values = {"a", "", std::string("\0\1", 2)};
  ci.max_values = {"c", "", "zz"};
  ci.boundary_order = BoundaryOrder::kAscending;
  ci.null_counts = std::vector<int64_t>{0, 10, 0};
  ci.repetition_level_histograms = std::vector<int64_t>{1, 2, 3, 4, 5, 6};
  ci.definition_level_histograms = std::vector<int64_t>{};
  ci.nan_counts = std::vector<int64_t>{0, 0, 1};
  ExpectRoundTrip(
      ci, [](auto& v, auto* o) { EncodeColumnIndex(v, o); },
      [](auto s, size_t* c) { return DecodeColumnIndex(s, c); });
  // 20 pages: long-form list headers.
  ColumnIndex many;
  for (int i = 0; i < 20; ++i) {
    many.null_pages.push_back(i % 3 == 0);
    many.min_values.push_back(std::to_string(i));
    many.max_values.push_back(std::to_string(i + 1));
  }
  ExpectRoundTrip(
      many, [](auto& v, auto* o) { EncodeColumnIndex(v, o); },
      [](auto s, size_t* c) { return DecodeColumnIndex(s, c); });

  OffsetIndex oi;
  for (int i = 0; i < 20; ++i) oi.page_locations.push_back({4 + i * 100, 100, i * 50});
  oi.unencoded_byte_array_data_bytes = std::vector<int64_t>(20, 77);
  ExpectRoundTrip(
      oi, [](auto& v, auto* o) { EncodeOffsetIndex(v, o); },
      [](auto s, size_t* c) { return DecodeOffsetIndex(s, c); });
}

TEST(MetadataTest, RoundTripBloomFilterAndCrypto) {
  BloomFilterHeader bf;
  bf.num_bytes = 4096;
  ExpectRoundTrip(
      bf, [](auto& v, auto* o) { EncodeBloomFilterHeader(v, o); },
      [](auto s, size_t* c) { return DecodeBloomFilterHeader(s, c); });

  FileCryptoMetaData fc;
  fc.encryption_algorithm.kind = EncryptionAlgorithm::Kind::kAesGcmV1;
  fc.encryption_algorithm.aes_gcm_v1.aad_file_unique = "u";
  fc.key_metadata = "key";
  ExpectRoundTrip(
      fc, [](auto& v, auto* o) { EncodeFileCryptoMetaData(v, o); },
      [](auto s, size_t* c) { return DecodeFileCryptoMetaData(s, c); });
}

TEST(MetadataTest, EncodeAppends) {
  std::string out = "prefix";
  PageHeader h;
  h.data_page_header = DataPageHeader{};
  EncodePageHeader(h, &out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  size_t consumed = 0;
  auto d = DecodePageHeader(AsSpan(out).subspan(6), &consumed);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(consumed, out.size() - 6);
}

// ---------------------------------------------------------------------------------------
// Hand-built bytes, from parquet.thrift field ids and the compact spec.

TEST(MetadataTest, DecodeHandBuiltPageHeader) {
  const Bytes bytes = {0x15, 0x00,        // 1: type = DATA_PAGE (0)
                       0x15, 0xC8, 0x01,  // 2: uncompressed_page_size = 100 (zigzag 200)
                       0x15, 0x64,        // 3: compressed_page_size = 50 (zigzag 100)
                       0x15, 0x01,        // 4: crc = -1
                       0x1C,              // 5: data_page_header (struct, delta 1)
                       0x15, 0x14,        //   1: num_values = 10
                       0x15, 0x10,        //   2: encoding = RLE_DICTIONARY (8)
                       0x15, 0x06,        //   3: definition_level_encoding = RLE (3)
                       0x15, 0x08,        //   4: repetition_level_encoding = BIT_PACKED (4)
                       0x1C,              //   5: statistics
                       0x36, 0x00,        //     3: null_count = 0 (delta 3, i64)
                       0x41,              //     7: is_max_value_exact = true (delta 4, bool true)
                       0x12,              //     8: is_min_value_exact = false (delta 1, bool false)
                       0x00,              //   end statistics
                       0x00,              // end data_page_header
                       0x00,              // end PageHeader
                       'D',  'A',  'T',  'A'};  // page bytes follow the header
  size_t consumed = 0;
  auto h = DecodePageHeader(bytes, &consumed);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(consumed, bytes.size() - 4);
  EXPECT_EQ(h->type, PageType::kDataPage);
  EXPECT_EQ(h->uncompressed_page_size, 100);
  EXPECT_EQ(h->compressed_page_size, 50);
  EXPECT_EQ(h->crc, -1);
  ASSERT_TRUE(h->data_page_header.has_value());
  EXPECT_EQ(h->data_page_header->num_values, 10);
  EXPECT_EQ(h->data_page_header->encoding, Encoding::kRleDictionary);
  EXPECT_EQ(h->data_page_header->definition_level_encoding, Encoding::kRle);
  EXPECT_EQ(h->data_page_header->repetition_level_encoding, Encoding::kBitPacked);
  ASSERT_TRUE(h->data_page_header->statistics.has_value());
  const Statistics& s = *h->data_page_header->statistics;
  EXPECT_EQ(s.null_count, 0);
  EXPECT_EQ(s.is_max_value_exact, true);
  EXPECT_EQ(s.is_min_value_exact, false);
  EXPECT_FALSE(s.min.has_value());
  EXPECT_FALSE(s.distinct_count.has_value());
  EXPECT_FALSE(h->dictionary_page_header.has_value());
}

TEST(MetadataTest, DecodeHandBuiltFileMetaData) {
  // version 1; schema [root{children 1}, leaf "x" INT64 REQUIRED TIMESTAMP(utc, MICROS)];
  // num_rows 3; row_groups [] ; column_orders [TYPE_ORDER].
  const Bytes bytes = {0x15, 0x02,                       // 1: version = 1
                       0x19, 0x2C,                       // 2: schema: list of 2 structs
                       0x48, 0x04, 'r',  'o', 'o', 't',  //   4: name "root" (delta 4)
                       0x15, 0x02,                       //   5: num_children = 1
                       0x00, 0x15, 0x04,                 //   1: type = INT64 (2)
                       0x25, 0x00,       //   3: repetition_type = REQUIRED (delta 2)
                       0x18, 0x01, 'x',  //   4: name "x"
                       0x6C,             //   10: logicalType (delta 6, struct)
                       0x8C,             //     8: TIMESTAMP (delta 8, struct)
                       0x11,             //       1: isAdjustedToUTC = true
                       0x1C,             //       2: unit (struct)
                       0x2C, 0x00,       //         2: MICROS (empty struct)
                       0x00,             //       end unit
                       0x00,             //     end TimestampType
                       0x00,             //   end LogicalType
                       0x00,             // end leaf
                       0x16, 0x06,       // 3: num_rows = 3
                       0x19, 0x0C,       // 4: row_groups = [] (size 0, struct)
                       0x39, 0x1C,       // 7: column_orders: list of 1 struct (delta 3)
                       0x1C, 0x00,       //   1: TYPE_ORDER (empty struct)
                       0x00,             //   end ColumnOrder
                       0x00};
  auto md = DecodeFileMetaData(bytes);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->version, 1);
  ASSERT_EQ(md->schema.size(), 2u);
  EXPECT_EQ(md->schema[0].name, "root");
  EXPECT_EQ(md->schema[0].num_children, 1);
  EXPECT_FALSE(md->schema[0].type.has_value());
  EXPECT_EQ(md->schema[1].name, "x");
  EXPECT_EQ(md->schema[1].type, Type::kInt64);
  EXPECT_EQ(md->schema[1].repetition_type, FieldRepetitionType::kRequired);
  ASSERT_TRUE(md->schema[1].logical_type.has_value());
  EXPECT_TRUE(*md->schema[1].logical_type == LogicalType::Timestamp(true, TimeUnit::Kind::kMicros));
  EXPECT_EQ(md->num_rows, 3);
  EXPECT_TRUE(md->row_groups.empty());
  ASSERT_TRUE(md->column_orders.has_value());
  ASSERT_EQ(md->column_orders->size(), 1u);
  EXPECT_EQ((*md->column_orders)[0].kind, ColumnOrder::Kind::kTypeOrder);
  EXPECT_FALSE(md->key_value_metadata.has_value());
  EXPECT_FALSE(md->created_by.has_value());

  // Re-encoding gives back the same bytes (all fields in id order, short headers).
  std::string again;
  EncodeFileMetaData(*md, &again);
  EXPECT_EQ(Bytes(again.begin(), again.end()), bytes);
}

TEST(MetadataTest, BoolListElementTypesBothAccepted) {
  // ColumnIndex{null_pages=[true,false], min_values=[], max_values=[], boundary_order=0},
  // once with bool element type 1 and once with 2.
  for (uint8_t t : {uint8_t{1}, uint8_t{2}}) {
    const Bytes bytes = {0x19, static_cast<uint8_t>(0x20 | t),
                         0x01, 0x00,  // 1: null_pages
                         0x19, 0x08,  // 2: []
                         0x19, 0x08,  // 3: []
                         0x15, 0x00,  // 4: UNORDERED
                         0x00};
    auto ci = DecodeColumnIndex(bytes);
    ASSERT_TRUE(ci.ok()) << ci.status().ToString();
    EXPECT_EQ(ci->null_pages, (std::vector<bool>{true, false}));
  }
}

TEST(MetadataTest, UnknownFieldsOfEveryTypeAreSkipped) {
  // KeyValue{key="k", value="v"} with unknown fields of every type around and between
  // the known ones, including a future field id (3..15 via deltas, 1000 via long form).
  const Bytes bytes = {0x18, 0x01, 'k',  // 1: key
                       0x11,             // 2: bool true (wrong type for value)
                       0x13, 0x7F,       // 3: byte
                       0x14, 0x02,       // 4: i16
                       0x15, 0x02,       // 5: i32
                       0x16, 0x02,       // 6: i64
                       0x17, 0,    0,    0,    0,    0,    0,    0,  0,  // 7: double
                       0x18, 0x02, 'x',  'y',                            // 8: binary
                       0x19, 0x25, 0x02, 0x04,                           // 9: list<i32>
                       0x1A, 0x18, 0x00,                                 // 10: set<binary>
                       0x1B, 0x01, 0x88, 0x00, 0x00,                     // 11: map<binary,binary>
                       0x1C, 0x15, 0x02, 0x19, 0x1C, 0x00, 0x00,  // 12: struct{i32, list<struct>}
                       0x1D, 0,    1,    2,    3,    4,    5,    6,  7,
                       8,    9,    10,   11,   12,   13,   14,   15,  // 13: uuid
                       0x12,                                          // 14: bool false
                       0x0B, 0xD0, 0x0F, 0x00,                        // 1000: empty map (long form)
                       0x08, 0x04, 0x01, 'v',                         // 2: value (long form back)
                       0x00};
  // Decode through a struct that embeds KeyValue: FileMetaData.key_value_metadata.
  Bytes md = {0x15, 0x02, 0x19, 0x0C, 0x16, 0x00, 0x19, 0x0C,  // version, schema, rows, rgs
              0x19, 0x1C};                                     // 5: list of 1 KeyValue
  md.insert(md.end(), bytes.begin(), bytes.end());
  md.push_back(0x00);
  auto decoded = DecodeFileMetaData(md);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(decoded->key_value_metadata.has_value());
  ASSERT_EQ(decoded->key_value_metadata->size(), 1u);
  EXPECT_EQ((*decoded->key_value_metadata)[0].key, "k");
  EXPECT_EQ((*decoded->key_value_metadata)[0].value, "v");
}

TEST(MetadataTest, UnknownUnionMembersDecodeAsUnrecognized) {
  // SchemaElement name "u", logicalType with member 2555 (a future type, as in the
  // parquet-testing unknown-logical-type.parquet), which carries a field of its own.
  Bytes element = {0x48, 0x01, 'u',   // 4: name
                   0x6C,              // 10: logicalType
                   0x0C, 0xF6, 0x27,  //   2555 (zigzag 5110): struct
                   0x15, 0x02, 0x00,  //     1: i32 1
                   0x00,              //   end union
                   0x00};
  Bytes md = {0x15, 0x02, 0x19, 0x1C};
  md.insert(md.end(), element.begin(), element.end());
  md.insert(md.end(), {0x16, 0x00, 0x19, 0x0C, 0x00});
  auto decoded = DecodeFileMetaData(md);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(decoded->schema[0].logical_type.has_value());
  EXPECT_EQ(decoded->schema[0].logical_type->kind, LogicalType::Kind::kUnrecognized);
  EXPECT_EQ(decoded->schema[0].logical_type->unrecognized_field_id, 2555);

  // Re-encoding drops the unrecognized annotation rather than writing a bogus one.
  std::string again;
  EncodeFileMetaData(*decoded, &again);
  auto redecoded = DecodeFileMetaData(AsSpan(again));
  ASSERT_TRUE(redecoded.ok());
  EXPECT_FALSE(redecoded->schema[0].logical_type.has_value());

  // Unknown ColumnOrder / TimeUnit / bloom algorithm members likewise.
  const Bytes bf = {0x15, 0x80, 0x01,        // 1: numBytes = 64
                    0x1C, 0x2C, 0x00, 0x00,  // 2: algorithm = member 2 (unknown)
                    0x1C, 0x1C, 0x00, 0x00,  // 3: hash = XXHASH
                    0x1C, 0x1C, 0x00, 0x00,  // 4: compression = UNCOMPRESSED
                    0x00};
  auto h = DecodeBloomFilterHeader(bf);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->num_bytes, 64);
  EXPECT_EQ(h->algorithm.kind, BloomFilterAlgorithm::Kind::kUnrecognized);
  EXPECT_EQ(h->algorithm.unrecognized_field_id, 2);
  EXPECT_EQ(h->hash.kind, BloomFilterHash::Kind::kXxhash);
  EXPECT_EQ(h->compression.kind, BloomFilterCompression::Kind::kUncompressed);
}

TEST(MetadataTest, FieldsWithUnexpectedTypesAreSkipped) {
  // PageHeader whose field 4 (crc, i32) arrives as binary: skipped like an unknown field,
  // as Thrift's generated code does.
  const Bytes bytes = {0x15, 0x00, 0x15, 0x02, 0x15, 0x02, 0x18, 0x01, 'c', 0x00};
  auto h = DecodePageHeader(bytes);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_FALSE(h->crc.has_value());
}

// ---------------------------------------------------------------------------------------
// Errors.

TEST(MetadataTest, MissingRequiredFieldNamesStructAndField) {
  // PageHeader without compressed_page_size (field 3).
  const Bytes bytes = {0x15, 0x00, 0x15, 0x02, 0x00};
  auto h = DecodePageHeader(bytes);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
  EXPECT_NE(h.status().message().find("PageHeader"), std::string::npos);
  EXPECT_NE(h.status().message().find("compressed_page_size"), std::string::npos)
      << h.status().message();

  // A nested one: SchemaElement without a name.
  const Bytes md = {0x15, 0x02, 0x19, 0x1C, 0x15, 0x02, 0x00, 0x16, 0x00, 0x19, 0x0C, 0x00};
  auto m = DecodeFileMetaData(md);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("SchemaElement"), std::string::npos);
  EXPECT_NE(m.status().message().find("'name'"), std::string::npos) << m.status().message();

  // FileMetaData without row_groups.
  const Bytes no_rg = {0x15, 0x02, 0x19, 0x0C, 0x16, 0x00, 0x00};
  auto n = DecodeFileMetaData(no_rg);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("row_groups"), std::string::npos);

  // Empty input.
  EXPECT_FALSE(DecodeFileMetaData({}).ok());
  EXPECT_FALSE(DecodePageHeader({}).ok());
}

TEST(MetadataTest, AbsurdListSizesAreRejectedWithoutAllocating) {
  // row_groups claiming INT32_MAX RowGroups (each several hundred bytes in memory: ~1 TB
  // if reserved) followed by a handful of bytes. Reserving that would throw bad_alloc and
  // abort the test binary; the size is instead checked against the remaining bytes.
  const Bytes bytes = {0x15, 0x02, 0x19, 0x0C, 0x16, 0x00, 0x19, 0xFC,
                       0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00};
  auto md = DecodeFileMetaData(bytes);
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), StatusCode::kCorruption);
  EXPECT_NE(md.status().message().find("exceeds"), std::string::npos) << md.status().message();

  // A list of strings claiming a million entries in a 30-byte input.
  const Bytes strings = {0x19, 0xF8, 0xC0, 0x84, 0x3D, 0x00, 0x00, 0x00, 0x00};
  auto ci = DecodeColumnIndex(strings);
  ASSERT_FALSE(ci.ok());

  // A binary length far beyond the input.
  const Bytes binary = {0x15, 0x02, 0x19, 0x1C, 0x48, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'};
  EXPECT_FALSE(DecodeFileMetaData(binary).ok());
}

TEST(MetadataTest, DeepNestingIsRejected) {
  // An unknown field in PageHeader made of 10,000 nested structs.
  Bytes bytes = {0x15, 0x00, 0x15, 0x02, 0x15, 0x02};
  bytes.push_back(0x0C);  // long-form header: field 1000, struct
  bytes.insert(bytes.end(), {0xD0, 0x0F});
  for (int i = 0; i < 10000; ++i) bytes.push_back(0x1C);
  bytes.insert(bytes.end(), 10002, 0x00);
  auto h = DecodePageHeader(bytes);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("nesting"), std::string::npos);
}

TEST(MetadataTest, EncryptedFooterMagic) {
  EXPECT_TRUE(IsEncryptedFooterMagic("PARE"));
  EXPECT_FALSE(IsEncryptedFooterMagic("PAR1"));
  EXPECT_FALSE(IsEncryptedFooterMagic("PAR"));
  EXPECT_FALSE(IsEncryptedFooterMagic(""));
}

// ---------------------------------------------------------------------------------------
// Real files.

const std::filesystem::path kFixtures = std::filesystem::path(FLOE_FIXTURES_DIR) / "parquet";

std::string ReadWholeFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The footer bytes of a Parquet file, or empty when the trailer is unusable.
std::string_view FooterOf(std::string_view file) {
  if (file.size() < 12) return {};
  const uint32_t len = LoadLe32(file.data() + file.size() - 8);
  if (len > file.size() - 8) return {};
  return file.substr(file.size() - 8 - len, len);
}

std::vector<std::filesystem::path> FixtureFiles() {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(kFixtures)) return files;
  for (const auto& e : std::filesystem::directory_iterator(kFixtures)) {
    if (e.path().extension() == ".parquet") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// MANIFEST.tsv rows where `rows` is a number, with the notes column (which documents
// writer quirks such as a footer num_rows of 0).
struct ManifestEntry {
  int64_t rows = 0;
  std::string notes;
};
std::map<std::string, ManifestEntry> ManifestRows() {
  std::map<std::string, ManifestEntry> rows;
  std::ifstream in(kFixtures / "MANIFEST.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 3 || cols[2].empty()) continue;
    if (cols[2].find_first_not_of("0123456789") != std::string::npos) continue;
    rows[cols[0]] = {std::stoll(cols[2]), cols.size() > 9 ? cols[9] : ""};
  }
  return rows;
}

// Drops the annotations the encoder cannot write back (unrecognized logical types).
void DropUnrecognized(FileMetaData* md) {
  for (SchemaElement& e : md->schema) {
    if (e.logical_type && e.logical_type->kind == LogicalType::Kind::kUnrecognized) {
      e.logical_type.reset();
    }
  }
}

// Number of leaves under schema[*pos] (advances *pos past the subtree).
int CountLeaves(const std::vector<SchemaElement>& schema, size_t* pos, int depth = 0) {
  if (*pos >= schema.size() || depth > 100) return 0;
  const SchemaElement& e = schema[(*pos)++];
  if (!e.num_children.has_value()) return 1;
  int leaves = 0;
  for (int i = 0; i < *e.num_children; ++i) leaves += CountLeaves(schema, pos, depth + 1);
  return leaves;
}

// Names as the fixtures' oracle prints them, written from parquet.thrift.
std::string ConvertedTypeName(ConvertedType t) {
  static const char* const kNames[] = {"UTF8",
                                       "MAP",
                                       "MAP_KEY_VALUE",
                                       "LIST",
                                       "ENUM",
                                       "DECIMAL",
                                       "DATE",
                                       "TIME_MILLIS",
                                       "TIME_MICROS",
                                       "TIMESTAMP_MILLIS",
                                       "TIMESTAMP_MICROS",
                                       "UINT_8",
                                       "UINT_16",
                                       "UINT_32",
                                       "UINT_64",
                                       "INT_8",
                                       "INT_16",
                                       "INT_32",
                                       "INT_64",
                                       "JSON",
                                       "BSON",
                                       "INTERVAL"};
  const int i = static_cast<int>(t);
  return i >= 0 && i < 22 ? kNames[i] : "?";
}

std::string RepetitionName(FieldRepetitionType t) {
  switch (static_cast<int>(t)) {
    case 0:
      return "REQUIRED";
    case 1:
      return "OPTIONAL";
    case 2:
      return "REPEATED";
    case 3:
      return "VECTOR";
  }
  return "?";
}

std::string UnitName(const TimeUnit& u) {
  switch (u.kind) {
    case TimeUnit::Kind::kMillis:
      return "MILLIS";
    case TimeUnit::Kind::kMicros:
      return "MICROS";
    case TimeUnit::Kind::kNanos:
      return "NANOS";
    default:
      return "?";
  }
}

std::string LogicalTypeName(const LogicalType& t) {
  using K = LogicalType::Kind;
  auto utc = [](bool b) { return b ? "True" : "False"; };
  switch (t.kind) {
    case K::kString:
      return "STRING";
    case K::kMap:
      return "MAP";
    case K::kList:
      return "LIST";
    case K::kEnum:
      return "ENUM";
    case K::kDecimal:
      return "DECIMAL(" + std::to_string(t.decimal.precision) + "," +
             std::to_string(t.decimal.scale) + ")";
    case K::kDate:
      return "DATE";
    case K::kTime:
      return "TIME(" + UnitName(t.time.unit) + ",utc=" + utc(t.time.is_adjusted_to_utc) + ")";
    case K::kTimestamp:
      return "TIMESTAMP(" + UnitName(t.timestamp.unit) +
             ",utc=" + utc(t.timestamp.is_adjusted_to_utc) + ")";
    case K::kInteger:
      return "INTEGER(" + std::to_string(t.integer.bit_width) + "," +
             (t.integer.is_signed ? "signed" : "unsigned") + ")";
    case K::kUnknown:
      return "UNKNOWN";
    case K::kJson:
      return "JSON";
    case K::kBson:
      return "BSON";
    case K::kUuid:
      return "UUID";
    case K::kFloat16:
      return "FLOAT16";
    case K::kVariant:
      return "VARIANT";
    case K::kGeometry:
      return "GEOMETRY";
    case K::kGeography:
      return "GEOGRAPHY";
    case K::kVector:
      return "VECTOR";
    case K::kUnrecognized:
      return "UNKNOWN_LOGICAL_" + std::to_string(t.unrecognized_field_id);
  }
  return "?";
}

template <typename T>
nlohmann::json OptJson(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// A JSON value that may be a number or a decimal string (DuckDB's output) as int64.
std::optional<int64_t> JsonInt(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_number_integer()) return j.get<int64_t>();
  return std::stoll(j.get<std::string>());
}

TEST(MetadataFixtureTest, FootersMatchManifestAndSchema) {
  const auto files = FixtureFiles();
  if (files.empty()) GTEST_SKIP() << "no fixtures at " << kFixtures;
  const auto manifest = ManifestRows();
  int checked_rows = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    const std::string file = ReadWholeFile(path);
    ASSERT_EQ(std::string_view(file).substr(file.size() - 4), kParquetMagic);
    const std::string_view footer = FooterOf(file);
    ASSERT_FALSE(footer.empty());
    size_t consumed = 0;
    auto md = DecodeFileMetaData(AsSpan(footer), &consumed);
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    EXPECT_EQ(consumed, footer.size());

    size_t pos = 0;
    const int leaves = CountLeaves(md->schema, &pos);
    EXPECT_EQ(pos, md->schema.size());
    int64_t rows_in_groups = 0;
    for (const RowGroup& rg : md->row_groups) {
      EXPECT_EQ(static_cast<int>(rg.columns.size()), leaves);
      rows_in_groups += rg.num_rows;
    }
    auto it = manifest.find(path.filename().string());
    if (it != manifest.end()) {
      ++checked_rows;
      EXPECT_EQ(rows_in_groups, it->second.rows);
      // The manifest notes files whose writer left FileMetaData.num_rows at 0.
      if (it->second.notes.find("FileMetaData.num_rows=0") != std::string::npos) {
        EXPECT_EQ(md->num_rows, 0);
      } else {
        EXPECT_EQ(md->num_rows, it->second.rows);
      }
    }

    // decode(encode(decode(footer))) == decode(footer).
    Buffer again;
    EncodeFileMetaData(*md, &again);
    auto md2 = DecodeFileMetaData(std::span<const uint8_t>(again.data(), again.size()));
    ASSERT_TRUE(md2.ok()) << md2.status().ToString();
    DropUnrecognized(&*md);
    EXPECT_TRUE(*md2 == *md);
  }
  EXPECT_GT(checked_rows, 40);
}

// Walks every page header of every column chunk and compares the footer, the page
// headers and the page index / bloom filter headers with the fixtures' meta.json oracle.
TEST(MetadataFixtureTest, FootersAndPagesMatchOracle) {
  const auto files = FixtureFiles();
  if (files.empty()) GTEST_SKIP() << "no fixtures at " << kFixtures;
  int compared = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    auto meta_path = path;
    meta_path.replace_extension(".meta.json");
    if (!std::filesystem::exists(meta_path)) continue;
    const nlohmann::json meta = nlohmann::json::parse(ReadWholeFile(meta_path));
    if (!meta.contains("page_walk") || !meta["page_walk"].contains("row_groups")) continue;
    const nlohmann::json& walk = meta["page_walk"];
    const std::string file = ReadWholeFile(path);
    auto md = DecodeFileMetaData(AsSpan(FooterOf(file)));
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    ++compared;

    EXPECT_EQ(md->version, walk["version"].get<int>());
    EXPECT_EQ(md->num_rows, walk["num_rows"].get<int64_t>());
    if (walk["created_by"].is_string()) {
      EXPECT_EQ(md->created_by, walk["created_by"].get<std::string>());
    }
    EXPECT_EQ(md->column_orders.has_value(), walk["has_column_orders"].get<bool>());
    std::vector<std::string> kv_keys;
    if (md->key_value_metadata) {
      for (const KeyValue& kv : *md->key_value_metadata) kv_keys.push_back(kv.key);
    }
    EXPECT_EQ(nlohmann::json(kv_keys), walk["kv_keys"]);

    // Schema, element by element.
    ASSERT_EQ(md->schema.size(), walk["schema"].size());
    for (size_t i = 0; i < md->schema.size(); ++i) {
      SCOPED_TRACE("schema[" + std::to_string(i) + "]");
      const SchemaElement& e = md->schema[i];
      const nlohmann::json& o = walk["schema"][i];
      EXPECT_EQ(e.name, o["name"].get<std::string>());
      EXPECT_EQ(e.type ? nlohmann::json(std::string(TypeName(*e.type))) : nlohmann::json(),
                o["type"]);
      EXPECT_EQ(OptJson(e.type_length), o["type_length"]);
      EXPECT_EQ(
          e.repetition_type ? nlohmann::json(RepetitionName(*e.repetition_type)) : nlohmann::json(),
          o["repetition"]);
      EXPECT_EQ(OptJson(e.num_children), o["num_children"]);
      EXPECT_EQ(e.converted_type ? nlohmann::json(ConvertedTypeName(*e.converted_type))
                                 : nlohmann::json(),
                o["converted_type"]);
      EXPECT_EQ(OptJson(e.scale), o["scale"]);
      EXPECT_EQ(OptJson(e.precision), o["precision"]);
      EXPECT_EQ(OptJson(e.field_id), o["field_id"]);
      EXPECT_EQ(
          e.logical_type ? nlohmann::json(LogicalTypeName(*e.logical_type)) : nlohmann::json(),
          o["logical_type"]);
    }

    // Row groups, column chunks, and every page header.
    ASSERT_EQ(md->row_groups.size(), walk["row_groups"].size());
    bool any_crc = false, any_column_index = false, any_offset_index = false, any_bloom = false;
    size_t total_pages = 0;
    for (size_t g = 0; g < md->row_groups.size(); ++g) {
      const RowGroup& rg = md->row_groups[g];
      const nlohmann::json& org = walk["row_groups"][g];
      EXPECT_EQ(rg.num_rows, org["num_rows"].get<int64_t>());
      EXPECT_EQ(rg.sorting_columns.has_value(), org["sorting_columns"].get<bool>());
      ASSERT_EQ(rg.columns.size(), org["columns"].size());
      for (size_t c = 0; c < rg.columns.size(); ++c) {
        SCOPED_TRACE("row group " + std::to_string(g) + " column " + std::to_string(c));
        const ColumnChunk& cc = rg.columns[c];
        const nlohmann::json& oc = org["columns"][c];
        ASSERT_TRUE(cc.meta_data.has_value());
        const ColumnMetaData& cmd = *cc.meta_data;
        std::string path_str;
        for (const std::string& p : cmd.path_in_schema) {
          path_str += (path_str.empty() ? "" : ".") + p;
        }
        EXPECT_EQ(path_str, oc["path"].get<std::string>());
        EXPECT_EQ(TypeName(cmd.type), oc["type"].get<std::string>());
        EXPECT_EQ(CodecName(cmd.codec), oc["codec"].get<std::string>());
        EXPECT_EQ(cmd.num_values, oc["num_values"].get<int64_t>());

        // Page walk over the chunk's byte range.
        int64_t start = cmd.data_page_offset;
        if (cmd.dictionary_page_offset && *cmd.dictionary_page_offset > 0 &&
            *cmd.dictionary_page_offset < start) {
          start = *cmd.dictionary_page_offset;
        }
        const int64_t end = start + cmd.total_compressed_size;
        ASSERT_LE(end, static_cast<int64_t>(file.size()));
        std::map<std::string, int> pages;
        int64_t data_values = 0;
        std::vector<PageLocation> data_pages;  // what an OffsetIndex should list
        int64_t pos = start;
        // A chunk without values has no pages to walk (some writers still give it a size).
        while (pos < end && cmd.num_values > 0) {
          size_t header_size = 0;
          auto h =
              DecodePageHeader(AsSpan(std::string_view(file).substr(pos, end - pos)), &header_size);
          ASSERT_TRUE(h.ok()) << "page at " << pos << ": " << h.status().ToString();
          std::string key = std::string(PageTypeName(h->type)) + "/";
          const int32_t page_size = static_cast<int32_t>(header_size) + h->compressed_page_size;
          if (h->data_page_header) {
            key += EncodingName(h->data_page_header->encoding);
            data_values += h->data_page_header->num_values;
            data_pages.push_back({pos, page_size, 0});
          } else if (h->data_page_header_v2) {
            key += EncodingName(h->data_page_header_v2->encoding);
            data_values += h->data_page_header_v2->num_values;
            data_pages.push_back({pos, page_size, 0});
          } else if (h->dictionary_page_header) {
            key += EncodingName(h->dictionary_page_header->encoding);
          }
          ++pages[key];
          any_crc |= h->crc.has_value();
          pos += static_cast<int64_t>(header_size) + h->compressed_page_size;
        }
        // nation.dict-malformed.parquet (PARQUET-816) understates total_compressed_size, so
        // its last page runs past the chunk; every other chunk ends exactly.
        if (cmd.num_values > 0 && path.filename() != "nation.dict-malformed.parquet") {
          EXPECT_EQ(pos, end);
        }
        EXPECT_EQ(nlohmann::json(pages), oc["pages"]);
        EXPECT_EQ(data_values, oc["data_page_values"].get<int64_t>());
        for (const auto& [k, n] : pages) total_pages += n;

        if (cc.offset_index_offset && cc.offset_index_length) {
          any_offset_index = true;
          auto oi = DecodeOffsetIndex(AsSpan(
              std::string_view(file).substr(*cc.offset_index_offset, *cc.offset_index_length)));
          ASSERT_TRUE(oi.ok()) << oi.status().ToString();
          ASSERT_EQ(oi->page_locations.size(), data_pages.size());
          for (size_t p = 0; p < data_pages.size(); ++p) {
            EXPECT_EQ(oi->page_locations[p].offset, data_pages[p].offset);
            EXPECT_EQ(oi->page_locations[p].compressed_page_size,
                      data_pages[p].compressed_page_size);
            if (p == 0) {
              EXPECT_EQ(oi->page_locations[p].first_row_index, 0);
            }
            if (p > 0) {
              EXPECT_GT(oi->page_locations[p].first_row_index,
                        oi->page_locations[p - 1].first_row_index);
            }
          }
        }
        if (cc.column_index_offset && cc.column_index_length) {
          any_column_index = true;
          auto ci = DecodeColumnIndex(AsSpan(
              std::string_view(file).substr(*cc.column_index_offset, *cc.column_index_length)));
          ASSERT_TRUE(ci.ok()) << ci.status().ToString();
          EXPECT_EQ(ci->null_pages.size(), data_pages.size());
          EXPECT_EQ(ci->min_values.size(), ci->null_pages.size());
          EXPECT_EQ(ci->max_values.size(), ci->null_pages.size());
        }
        if (cmd.bloom_filter_offset) {
          any_bloom = true;
          size_t header_size = 0;
          auto bf = DecodeBloomFilterHeader(
              AsSpan(std::string_view(file).substr(*cmd.bloom_filter_offset)), &header_size);
          ASSERT_TRUE(bf.ok()) << bf.status().ToString();
          EXPECT_EQ(bf->algorithm.kind, BloomFilterAlgorithm::Kind::kBlock);
          EXPECT_EQ(bf->hash.kind, BloomFilterHash::Kind::kXxhash);
          EXPECT_EQ(bf->compression.kind, BloomFilterCompression::Kind::kUncompressed);
          EXPECT_GT(bf->num_bytes, 0);
          if (cmd.bloom_filter_length) {
            EXPECT_EQ(*cmd.bloom_filter_length, static_cast<int64_t>(header_size) + bf->num_bytes);
          }
        }
      }
    }
    EXPECT_EQ(total_pages, walk["total_pages"].get<size_t>());
    EXPECT_EQ(any_crc, walk["has_page_crc"].get<bool>());
    EXPECT_EQ(any_column_index, walk["has_column_index"].get<bool>());
    EXPECT_EQ(any_offset_index, walk["has_offset_index"].get<bool>());
    EXPECT_EQ(any_bloom, walk["has_bloom_filter"].get<bool>());

    // DuckDB's parquet_metadata(): offsets and sizes per column chunk.
    if (meta.contains("duckdb") && meta["duckdb"].contains("column_chunks")) {
      for (const nlohmann::json& d : meta["duckdb"]["column_chunks"]) {
        const size_t g = static_cast<size_t>(*JsonInt(d["row_group_id"]));
        const size_t c = static_cast<size_t>(*JsonInt(d["column_id"]));
        ASSERT_LT(g, md->row_groups.size());
        ASSERT_LT(c, md->row_groups[g].columns.size());
        const ColumnMetaData& cmd = *md->row_groups[g].columns[c].meta_data;
        EXPECT_EQ(cmd.data_page_offset, JsonInt(d["data_page_offset"]));
        EXPECT_EQ(cmd.dictionary_page_offset, JsonInt(d["dictionary_page_offset"]));
        EXPECT_EQ(cmd.total_compressed_size, JsonInt(d["total_compressed_size"]));
        EXPECT_EQ(cmd.total_uncompressed_size, JsonInt(d["total_uncompressed_size"]));
        EXPECT_EQ(cmd.num_values, JsonInt(d["num_values"]));
        EXPECT_EQ(cmd.bloom_filter_offset, JsonInt(d["bloom_filter_offset"]));
        if (cmd.statistics && cmd.statistics->null_count && !d["stats_null_count"].is_null()) {
          EXPECT_EQ(cmd.statistics->null_count, JsonInt(d["stats_null_count"]));
        }
      }
    }
  }
  EXPECT_GT(compared, 40);
}

TEST(MetadataFixtureTest, EveryTruncationOfEveryFooterFails) {
  const auto files = FixtureFiles();
  if (files.empty()) GTEST_SKIP() << "no fixtures at " << kFixtures;
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    const std::string file = ReadWholeFile(path);
    const std::string_view footer = FooterOf(file);
    // A copy per prefix length so reads past the prefix would hit ASan's redzone. Every
    // length for footers up to 8 KiB; for the two larger ones (the test is quadratic) every
    // 7th length plus the last 256.
    const size_t stride = footer.size() <= 8192 ? 1 : 7;
    for (size_t n = 0; n < footer.size(); ++n) {
      if (n % stride != 0 && n + 256 < footer.size()) continue;
      const std::vector<uint8_t> prefix(footer.begin(), footer.begin() + n);
      auto md = DecodeFileMetaData(prefix);
      ASSERT_FALSE(md.ok()) << "prefix of " << n << " bytes decoded";
      ASSERT_EQ(md.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(MetadataFixtureTest, CorruptedFootersDoNotCrash) {
  const auto files = FixtureFiles();
  if (files.empty()) GTEST_SKIP() << "no fixtures at " << kFixtures;
  // Every byte of a few footers replaced by a few values; decode must return (either way).
  int decoded = 0, failed = 0;
  for (const char* name : {"alltypes_tiny_pages.parquet", "data_index_bloom_encoding_stats.parquet",
                           "nested_maps.snappy.parquet", "crs-geography.parquet"}) {
    const std::string file = ReadWholeFile(kFixtures / name);
    const std::string_view footer = FooterOf(file);
    std::vector<uint8_t> bytes(footer.begin(), footer.end());
    for (size_t i = 0; i < bytes.size(); ++i) {
      const uint8_t saved = bytes[i];
      for (uint8_t v :
           {uint8_t{0x00}, uint8_t{0xFF}, uint8_t{0x19}, static_cast<uint8_t>(saved ^ 1)}) {
        bytes[i] = v;
        auto md = DecodeFileMetaData(bytes);
        (md.ok() ? decoded : failed)++;
      }
      bytes[i] = saved;
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(decoded, 0);
}

TEST(MetadataFixtureTest, BadFilesDecodeOrFailCleanly) {
  const auto bad_dir = kFixtures / "bad";
  if (!std::filesystem::exists(bad_dir)) GTEST_SKIP() << "no fixtures at " << bad_dir;
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(bad_dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".tsv") ||
        name.ends_with(".txt")) {
      continue;
    }
    SCOPED_TRACE(name);
    ++files;
    const std::string file = ReadWholeFile(e.path());
    // Decode whatever the trailer points at, clamped to the file; and the raw file too.
    std::string_view footer = FooterOf(file);
    if (footer.empty() && file.size() > 8)
      footer = std::string_view(file).substr(0, file.size() - 8);
    const std::vector<uint8_t> bytes(footer.begin(), footer.end());
    auto md = DecodeFileMetaData(bytes);
    if (md.ok()) {
      size_t pos = 0;
      CountLeaves(md->schema, &pos);
    } else {
      EXPECT_EQ(md.status().code(), StatusCode::kCorruption);
    }
    const std::vector<uint8_t> whole(file.begin(), file.end());
    (void)DecodeFileMetaData(whole).ok();
    (void)DecodePageHeader(whole).ok();
    (void)DecodeColumnIndex(whole).ok();
    (void)DecodeOffsetIndex(whole).ok();
  }
  EXPECT_GT(files, 10);
}

TEST(MetadataFixtureTest, EncryptedFiles) {
  const auto bad_dir = kFixtures / "bad";
  if (!std::filesystem::exists(bad_dir)) GTEST_SKIP() << "no fixtures at " << bad_dir;
  // Encrypted footer: "PARE", and the footer starts with a plaintext FileCryptoMetaData.
  {
    const std::string file = ReadWholeFile(bad_dir / "uniform_encryption.parquet.encrypted");
    ASSERT_GT(file.size(), 12u);
    EXPECT_TRUE(IsEncryptedFooterMagic(std::string_view(file).substr(file.size() - 4)));
    auto crypto = DecodeFileCryptoMetaData(AsSpan(FooterOf(file)));
    ASSERT_TRUE(crypto.ok()) << crypto.status().ToString();
    EXPECT_NE(crypto->encryption_algorithm.kind, EncryptionAlgorithm::Kind::kUnrecognized);
  }
  // Plaintext footer with encrypted columns: "PAR1", encryption_algorithm set, and the
  // encrypted columns carry crypto_metadata.
  {
    const std::string file =
        ReadWholeFile(bad_dir / "encrypt_columns_plaintext_footer.parquet.encrypted");
    EXPECT_FALSE(IsEncryptedFooterMagic(std::string_view(file).substr(file.size() - 4)));
    auto md = DecodeFileMetaData(AsSpan(FooterOf(file)));
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    EXPECT_TRUE(md->encryption_algorithm.has_value());
    int encrypted_columns = 0;
    for (const RowGroup& rg : md->row_groups) {
      for (const ColumnChunk& cc : rg.columns) encrypted_columns += cc.crypto_metadata.has_value();
    }
    EXPECT_GT(encrypted_columns, 0);
  }
}

}  // namespace
}  // namespace floe::parquet
