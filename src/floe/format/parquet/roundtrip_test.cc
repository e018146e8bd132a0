// Round-trip property tests: random schemas (nested structs, lists and maps over every
// leaf type; nulls, empty lists, long strings, NaN and infinities) × every encoding ×
// every codec × data page v1/v2, with small pages and row groups → FileWriter →
// FileReader → the same values.
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "floe/format/parquet/file_reader.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/format/parquet/writer_test_data.h"

namespace floe::parquet {
namespace {

using testing::DataGen;
using testing::GenOptions;

// Compares value i of `a` with value j of `b` (same type); on a difference, describes it.
bool SameValue(const Column& a, int64_t i, const Column& b, int64_t j, std::string* why,
               const std::string& path) {
  auto differ = [&](const std::string& what) {
    *why = path + ": " + what + " (rows " + std::to_string(i) + " / " + std::to_string(j) + ")";
    return false;
  };
  if (a.IsNull(i) != b.IsNull(j)) return differ(a.IsNull(i) ? "null vs value" : "value vs null");
  if (a.IsNull(i)) return true;
  const DataType& t = *a.type;
  switch (t.id) {
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
    case TypeId::kBinary:
      if (a.StringAt(i) != b.StringAt(j)) return differ("bytes differ");
      return true;
    case TypeId::kList:
    case TypeId::kMap: {
      const int64_t n = a.ListEnd(i) - a.ListBegin(i);
      if (n != b.ListEnd(j) - b.ListBegin(j)) return differ("list lengths differ");
      for (int64_t k = 0; k < n; ++k) {
        for (size_t c = 0; c < a.children.size(); ++c) {
          if (!SameValue(*a.children[c], a.ListBegin(i) + k, *b.children[c], b.ListBegin(j) + k,
                         why, path + "[" + std::to_string(k) + "]")) {
            return false;
          }
        }
      }
      return true;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < a.children.size(); ++c) {
        if (!SameValue(*a.children[c], i, *b.children[c], j, why,
                       path + "." + t.children[c].name)) {
          return false;
        }
      }
      return true;
    default: {
      const int w = t.FixedWidth();
      if (std::memcmp(a.values.data() + i * w, b.values.data() + j * w, w) != 0) {
        return differ("values differ");
      }
      return true;
    }
  }
}

struct Variant {
  const char* name;
  std::function<std::optional<Encoding>(Type)> pick;
  bool dictionary = true;
};

std::vector<Variant> Variants() {
  return {
      {"dictionary", [](Type) { return std::optional<Encoding>(); }, true},
      {"plain", [](Type) { return std::optional<Encoding>(Encoding::kPlain); }, false},
      {"delta",
       [](Type t) -> std::optional<Encoding> {
         if (t == Type::kInt32 || t == Type::kInt64) return Encoding::kDeltaBinaryPacked;
         if (t == Type::kByteArray) return Encoding::kDeltaLengthByteArray;
         return std::nullopt;
       },
       false},
      {"delta_byte_array",
       [](Type t) -> std::optional<Encoding> {
         if (t == Type::kByteArray || t == Type::kFixedLenByteArray)
           return Encoding::kDeltaByteArray;
         return std::nullopt;
       },
       false},
      {"byte_stream_split",
       [](Type t) -> std::optional<Encoding> {
         if (t == Type::kFloat || t == Type::kDouble || t == Type::kInt32 || t == Type::kInt64 ||
             t == Type::kFixedLenByteArray) {
           return Encoding::kByteStreamSplit;
         }
         return std::nullopt;
       },
       false},
      {"rle_booleans_forced_dictionary",
       [](Type t) -> std::optional<Encoding> {
         if (t == Type::kBoolean) return Encoding::kRle;
         return Encoding::kRleDictionary;
       },
       true},
  };
}

TEST(RoundTrip, RandomSchemasEveryEncodingCodecAndPageVersion) {
  const CompressionCodec codecs[] = {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                     CompressionCodec::kGzip,         CompressionCodec::kZstd,
                                     CompressionCodec::kLz4Raw,       CompressionCodec::kBrotli};
  int cases = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    DataGen gen(seed, GenOptions{.null_probability = 0.2,
                                 .special_floats = true,
                                 .long_string_probability = 0.05});
    std::vector<Field> fields;
    const int n = static_cast<int>(gen.Range(1, 6));
    for (int f = 0; f < n; ++f) {
      fields.push_back(Field{"c" + std::to_string(f), gen.RandomType(3), gen.Chance(0.7)});
    }
    auto schema = std::make_shared<Schema>(std::move(fields));
    std::vector<RecordBatch> batches;
    batches.push_back(gen.Batch(schema, gen.Range(0, 150)));
    batches.push_back(gen.Batch(schema, gen.Range(1, 400)));
    auto desc = SchemaDescriptor::FromSchema(*schema);
    ASSERT_TRUE(desc.ok()) << desc.status().ToString();

    for (const Variant& v : Variants()) {
      for (int version : {1, 2}) {
        const CompressionCodec codec = codecs[cases % 6];
        ++cases;
        WriterOptions o;
        o.compression = codec;
        o.data_page_version = version;
        o.dictionary = v.dictionary;
        o.page_rows = gen.Range(1, 64);
        o.page_bytes = gen.Range(64, 4096);
        o.row_group_rows = gen.Range(50, 300);
        o.dictionary_page_bytes = gen.Range(64, 2048);
        o.max_statistics_bytes = static_cast<int>(gen.Range(1, 16));
        o.threads = static_cast<int>(gen.Range(1, 3));
        if (gen.Chance(0.5)) o.fallback_encodings = FallbackEncodings::kDelta;
        for (const ColumnDescriptor& c : (*desc)->columns()) {
          if (auto e = v.pick(c.physical_type)) o.column_encodings[c.dotted_path] = *e;
          if (c.physical_type != Type::kBoolean && gen.Chance(0.2)) {
            o.bloom_filter_columns.insert(c.dotted_path);
          }
        }
        const std::string label = "seed " + std::to_string(seed) + " " + v.name + " v" +
                                  std::to_string(version) + " " + std::string(CodecName(codec)) +
                                  " schema " + schema->ToString();
        auto sink = std::make_unique<io::BufferSink>();
        io::BufferSink* raw = sink.get();
        auto w = FileWriter::Open(std::move(sink), schema, o);
        ASSERT_TRUE(w.ok()) << label << ": " << w.status().ToString();
        for (const RecordBatch& b : batches) {
          Status s = (*w)->Write(b);
          ASSERT_TRUE(s.ok()) << label << ": " << s.ToString();
        }
        auto md = (*w)->Close();
        ASSERT_TRUE(md.ok()) << label << ": " << md.status().ToString();

        auto file = std::make_shared<io::BufferFile>(raw->buffer(), "roundtrip.parquet");
        auto reader = FileReader::Open(file);
        ASSERT_TRUE(reader.ok()) << label << ": " << reader.status().ToString();
        ASSERT_TRUE(*(*reader)->schema() == *schema)
            << label << "\nread back as " << (*reader)->schema()->ToString();
        // Walk the written rows and the read rows side by side.
        size_t wb = 0;
        int64_t wr = 0;
        int64_t total = 0;
        for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
          auto rb = (*reader)->ReadRowGroup(g);
          ASSERT_TRUE(rb.ok()) << label << " row group " << g << ": " << rb.status().ToString();
          for (int64_t r = 0; r < rb->num_rows; ++r, ++wr, ++total) {
            while (wb < batches.size() && wr >= batches[wb].num_rows) {
              ++wb;
              wr = 0;
            }
            ASSERT_LT(wb, batches.size()) << label << ": more rows read than written";
            for (size_t c = 0; c < schema->fields.size(); ++c) {
              std::string why;
              ASSERT_TRUE(SameValue(*batches[wb].columns[c], wr, *rb->columns[c], r, &why,
                                    schema->fields[c].name))
                  << label << ": " << why;
            }
          }
        }
        EXPECT_EQ(total, batches[0].num_rows + batches[1].num_rows) << label;
      }
    }
  }
}

}  // namespace
}  // namespace floe::parquet
