// Level shredding against hand-worked examples: the Dremel paper's Document records
// (Melnik et al., "Dremel: Interactive Analysis of Web-Scale Datasets", figure 3), lists
// with nulls and empty lists, maps, flat optional structs, row ranges.
#include "floe/format/parquet/level_builder.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace floe::parquet {
namespace {

struct Levels {
  std::vector<int> def;
  std::vector<int> rep;
  std::vector<int64_t> rows;  // leaf rows of the present values
};

// Shreds leaf `leaf` of `batch` and returns its levels (missing arrays become all-max /
// all-zero so examples can be compared uniformly).
Levels ShredLeaf(const SchemaDescriptor& desc, const RecordBatch& batch, int leaf,
                 int64_t begin = 0, int64_t end = -1) {
  LevelBuilder b(desc);
  const Column& top = *batch.columns[b.LeafField(leaf)];
  if (end < 0) end = top.length;
  ShreddedLeaf out;
  Status s = b.Shred(leaf, top, begin, end, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Levels l;
  const ColumnDescriptor& c = desc.columns()[leaf];
  for (int64_t i = 0; i < out.num_levels; ++i) {
    l.def.push_back(out.def_levels ? out.def_levels[i] : c.max_def_level);
    l.rep.push_back(out.rep_levels ? out.rep_levels[i] : 0);
  }
  int64_t k = 0;
  for (int64_t i = 0; i < out.num_levels; ++i) {
    if (l.def[i] != c.max_def_level) continue;
    switch (out.value_map) {
      case ShreddedLeaf::ValueMap::kAll:
      case ShreddedLeaf::ValueMap::kLevels:
        l.rows.push_back(out.row_offset + i);
        break;
      case ShreddedLeaf::ValueMap::kIndices:
        l.rows.push_back(out.indices[k]);
        break;
    }
    ++k;
  }
  EXPECT_EQ(k, out.num_values);
  return l;
}

std::vector<std::string> Strings(const Column& c, const std::vector<int64_t>& rows) {
  std::vector<std::string> v;
  for (int64_t r : rows) v.emplace_back(c.StringAt(r));
  return v;
}

std::vector<int64_t> Ints(const Column& c, const std::vector<int64_t>& rows) {
  std::vector<int64_t> v;
  for (int64_t r : rows) v.push_back(c.Value<int64_t>(r));
  return v;
}

// message Document {
//   required int64 DocId;
//   optional group Links { repeated int64 Backward; repeated int64 Forward; }
//   repeated group Name {
//     repeated group Language { required string Code; optional string Country; }
//     optional string Url; } }
// as columnar types: repeated fields are non-nullable lists of non-nullable elements.
class DremelDocument : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ints = types::List(Field{"element", types::Int64(), false});
    auto language = types::Struct(
        {Field{"Code", types::String(), false}, Field{"Country", types::String(), true}});
    auto name =
        types::Struct({Field{"Language", types::List(Field{"element", language, false}), false},
                       Field{"Url", types::String(), true}});
    schema_ = std::make_shared<Schema>(std::vector<Field>{
        Field{"DocId", types::Int64(), false},
        Field{"Links",
              types::Struct({Field{"Backward", ints, false}, Field{"Forward", ints, false}}), true},
        Field{"Name", types::List(Field{"element", name, false}), false},
    });
    auto d = SchemaDescriptor::FromSchema(*schema_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    desc_ = *d;

    BatchBuilder bb(schema_);
    ColumnBuilder& doc = bb.column(0);
    ColumnBuilder& links = bb.column(1);
    ColumnBuilder& names = bb.column(2);
    auto add_language = [](ColumnBuilder& langs, const char* code, const char* country) {
      ColumnBuilder& l = langs.child(0);
      l.child(0).AppendBytes(code);
      if (country) {
        l.child(1).AppendBytes(country);
      } else {
        l.child(1).AppendNull();
      }
      l.CloseStruct();
    };
    // r1
    doc.AppendInt(10);
    links.child(0).CloseList();  // Backward: none
    for (int v : {20, 40, 60}) links.child(1).child(0).AppendInt(v);
    links.child(1).CloseList();
    links.CloseStruct();
    {
      ColumnBuilder& name = names.child(0);
      ColumnBuilder& langs = name.child(0);
      add_language(langs, "en-us", "us");
      add_language(langs, "en", nullptr);
      langs.CloseList();
      name.child(1).AppendBytes("http://A");
      name.CloseStruct();
      langs.CloseList();  // no Language
      name.child(1).AppendBytes("http://B");
      name.CloseStruct();
      add_language(langs, "en-gb", "gb");
      langs.CloseList();
      name.child(1).AppendNull();
      name.CloseStruct();
      names.CloseList();
    }
    // r2
    doc.AppendInt(20);
    for (int v : {10, 30}) links.child(0).child(0).AppendInt(v);
    links.child(0).CloseList();
    links.child(1).child(0).AppendInt(80);
    links.child(1).CloseList();
    links.CloseStruct();
    {
      ColumnBuilder& name = names.child(0);
      name.child(0).CloseList();
      name.child(1).AppendBytes("http://C");
      name.CloseStruct();
      names.CloseList();
    }
    batch_ = bb.Finish();
    ASSERT_TRUE(batch_.Validate().ok()) << batch_.Validate().ToString();
  }

  SchemaPtr schema_;
  std::shared_ptr<const SchemaDescriptor> desc_;
  RecordBatch batch_;
};

TEST_F(DremelDocument, LeafLevelsMatchThePaper) {
  const auto& cols = desc_->columns();
  ASSERT_EQ(cols.size(), 6u);
  EXPECT_EQ(cols[0].dotted_path, "DocId");
  EXPECT_EQ(cols[1].dotted_path, "Links.Backward.list.element");
  EXPECT_EQ(cols[3].dotted_path, "Name.list.element.Language.list.element.Code");

  // Max levels as in the paper.
  const int max_def[] = {0, 2, 2, 2, 3, 2};
  const int max_rep[] = {0, 1, 1, 2, 2, 1};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(cols[i].max_def_level, max_def[i]) << cols[i].dotted_path;
    EXPECT_EQ(cols[i].max_rep_level, max_rep[i]) << cols[i].dotted_path;
  }

  Levels doc = ShredLeaf(*desc_, batch_, 0);
  EXPECT_EQ(doc.def, (std::vector<int>{0, 0}));
  EXPECT_EQ(doc.rep, (std::vector<int>{0, 0}));
  EXPECT_EQ(Ints(*batch_.columns[0], doc.rows), (std::vector<int64_t>{10, 20}));

  const Column& links = *batch_.columns[1];
  Levels backward = ShredLeaf(*desc_, batch_, 1);
  EXPECT_EQ(backward.def, (std::vector<int>{1, 2, 2}));
  EXPECT_EQ(backward.rep, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(Ints(*links.children[0]->children[0], backward.rows), (std::vector<int64_t>{10, 30}));

  Levels forward = ShredLeaf(*desc_, batch_, 2);
  EXPECT_EQ(forward.def, (std::vector<int>{2, 2, 2, 2}));
  EXPECT_EQ(forward.rep, (std::vector<int>{0, 1, 1, 0}));
  EXPECT_EQ(Ints(*links.children[1]->children[0], forward.rows),
            (std::vector<int64_t>{20, 40, 60, 80}));

  const Column& name = *batch_.columns[2]->children[0];
  const Column& language = *name.children[0]->children[0];
  Levels code = ShredLeaf(*desc_, batch_, 3);
  EXPECT_EQ(code.def, (std::vector<int>{2, 2, 1, 2, 1}));
  EXPECT_EQ(code.rep, (std::vector<int>{0, 2, 1, 1, 0}));
  EXPECT_EQ(Strings(*language.children[0], code.rows),
            (std::vector<std::string>{"en-us", "en", "en-gb"}));

  Levels country = ShredLeaf(*desc_, batch_, 4);
  EXPECT_EQ(country.def, (std::vector<int>{3, 2, 1, 3, 1}));
  EXPECT_EQ(country.rep, (std::vector<int>{0, 2, 1, 1, 0}));
  EXPECT_EQ(Strings(*language.children[1], country.rows), (std::vector<std::string>{"us", "gb"}));

  Levels url = ShredLeaf(*desc_, batch_, 5);
  EXPECT_EQ(url.def, (std::vector<int>{2, 2, 1, 2}));
  EXPECT_EQ(url.rep, (std::vector<int>{0, 1, 1, 0}));
  EXPECT_EQ(Strings(*name.children[1], url.rows),
            (std::vector<std::string>{"http://A", "http://B", "http://C"}));
}

TEST_F(DremelDocument, RowRangeShredsOnlyThoseRows) {
  Levels code = ShredLeaf(*desc_, batch_, 3, 1, 2);  // r2 alone
  EXPECT_EQ(code.def, (std::vector<int>{1}));
  EXPECT_EQ(code.rep, (std::vector<int>{0}));
  Levels forward = ShredLeaf(*desc_, batch_, 2, 1, 2);
  EXPECT_EQ(forward.def, (std::vector<int>{2}));
  EXPECT_EQ(forward.rep, (std::vector<int>{0}));
  EXPECT_EQ(forward.rows, (std::vector<int64_t>{3}));  // the 4th Forward element: 80
}

// optional group a (LIST) { repeated group list { optional int64 element } }
// rows: [1, null, 2], null, [], [3]
TEST(LevelBuilder, ListWithNullsAndEmptyLists) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{Field{"a", types::List(types::Int64(), true), true}});
  auto desc = SchemaDescriptor::FromSchema(*schema);
  ASSERT_TRUE(desc.ok());
  BatchBuilder bb(schema);
  ColumnBuilder& a = bb.column(0);
  a.child(0).AppendInt(1);
  a.child(0).AppendNull();
  a.child(0).AppendInt(2);
  a.CloseList();
  a.AppendNull();
  a.CloseList();
  a.child(0).AppendInt(3);
  a.CloseList();
  RecordBatch batch = bb.Finish();
  const ColumnDescriptor& c = (*desc)->columns()[0];
  EXPECT_EQ(c.max_def_level, 3);
  EXPECT_EQ(c.max_rep_level, 1);
  Levels l = ShredLeaf(**desc, batch, 0);
  // def: 0 = list null, 1 = list empty, 2 = element null, 3 = element present.
  EXPECT_EQ(l.def, (std::vector<int>{3, 2, 3, 0, 1, 3}));
  EXPECT_EQ(l.rep, (std::vector<int>{0, 1, 1, 0, 0, 0}));
  EXPECT_EQ(Ints(*batch.columns[0]->children[0], l.rows), (std::vector<int64_t>{1, 2, 3}));
}

// A list of lists: [[1, 2], [], null, [3]], [[4]], [].
TEST(LevelBuilder, NestedLists) {
  auto inner = types::List(types::Int32(), false);
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{Field{"a", types::List(Field{"element", inner, true}), false}});
  auto desc = SchemaDescriptor::FromSchema(*schema);
  ASSERT_TRUE(desc.ok());
  BatchBuilder bb(schema);
  ColumnBuilder& a = bb.column(0);
  ColumnBuilder& in = a.child(0);
  in.child(0).AppendInt(1);
  in.child(0).AppendInt(2);
  in.CloseList();
  in.CloseList();
  in.AppendNull();
  in.child(0).AppendInt(3);
  in.CloseList();
  a.CloseList();
  in.child(0).AppendInt(4);
  in.CloseList();
  a.CloseList();
  a.CloseList();
  RecordBatch batch = bb.Finish();
  const ColumnDescriptor& c = (*desc)->columns()[0];
  // outer required list (+1 repeated), inner optional (+1), inner repeated (+1), element
  // required: max def 3, max rep 2.
  EXPECT_EQ(c.max_def_level, 3);
  EXPECT_EQ(c.max_rep_level, 2);
  Levels l = ShredLeaf(**desc, batch, 0);
  EXPECT_EQ(l.def, (std::vector<int>{3, 3, 2, 1, 3, 3, 0}));
  EXPECT_EQ(l.rep, (std::vector<int>{0, 2, 1, 1, 1, 0, 0}));
}

// optional group m (MAP) { repeated group key_value { required binary key (STRING);
//                                                      optional int32 value; } }
// rows: {a: 1, b: null}, null, {}, {c: 3}
TEST(LevelBuilder, Map) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{Field{"m", types::Map(types::String(), types::Int32(), true), true}});
  auto desc = SchemaDescriptor::FromSchema(*schema);
  ASSERT_TRUE(desc.ok());
  BatchBuilder bb(schema);
  ColumnBuilder& m = bb.column(0);
  m.child(0).AppendBytes("a");
  m.child(1).AppendInt(1);
  m.child(0).AppendBytes("b");
  m.child(1).AppendNull();
  m.CloseList();
  m.AppendNull();
  m.CloseList();
  m.child(0).AppendBytes("c");
  m.child(1).AppendInt(3);
  m.CloseList();
  RecordBatch batch = bb.Finish();
  ASSERT_EQ((*desc)->columns().size(), 2u);
  EXPECT_EQ((*desc)->columns()[0].dotted_path, "m.key_value.key");
  Levels keys = ShredLeaf(**desc, batch, 0);
  EXPECT_EQ(keys.def, (std::vector<int>{2, 2, 0, 1, 2}));
  EXPECT_EQ(keys.rep, (std::vector<int>{0, 1, 0, 0, 0}));
  EXPECT_EQ(Strings(*batch.columns[0]->children[0], keys.rows),
            (std::vector<std::string>{"a", "b", "c"}));
  Levels values = ShredLeaf(**desc, batch, 1);
  EXPECT_EQ(values.def, (std::vector<int>{3, 2, 0, 1, 3}));
  EXPECT_EQ(values.rep, (std::vector<int>{0, 1, 0, 0, 0}));
}

// Flat: optional struct s { optional int32 x; required int32 y }.
// rows: {x: 1, y: 2}, null, {x: null, y: 3}
TEST(LevelBuilder, FlatOptionalStruct) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{Field{
      "s", types::Struct({Field{"x", types::Int32(), true}, Field{"y", types::Int32(), false}}),
      true}});
  auto desc = SchemaDescriptor::FromSchema(*schema);
  ASSERT_TRUE(desc.ok());
  BatchBuilder bb(schema);
  ColumnBuilder& s = bb.column(0);
  s.child(0).AppendInt(1);
  s.child(1).AppendInt(2);
  s.CloseStruct();
  s.AppendNull();  // also appends nulls to both children, even the required one
  s.child(0).AppendNull();
  s.child(1).AppendInt(3);
  s.CloseStruct();
  RecordBatch batch = bb.Finish();
  Levels x = ShredLeaf(**desc, batch, 0);
  EXPECT_EQ(x.def, (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(x.rows, (std::vector<int64_t>{0}));
  Levels y = ShredLeaf(**desc, batch, 1);
  EXPECT_EQ(y.def, (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(y.rows, (std::vector<int64_t>{0, 2}));
  // A range starting mid-batch keeps leaf row numbers absolute.
  Levels tail = ShredLeaf(**desc, batch, 1, 1, 3);
  EXPECT_EQ(tail.def, (std::vector<int>{0, 1}));
  EXPECT_EQ(tail.rows, (std::vector<int64_t>{2}));
}

TEST(LevelBuilder, RequiredFieldWithNullIsAnError) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{Field{"x", types::Int32(), false}});
  auto desc = SchemaDescriptor::FromSchema(*schema);
  ASSERT_TRUE(desc.ok());
  // Build the column as if nullable, then claim it is required.
  ColumnBuilder cb(types::Int32());
  cb.AppendInt(1);
  cb.AppendNull();
  ColumnPtr col = cb.Finish();
  LevelBuilder b(**desc);
  ShreddedLeaf out;
  Status s = b.Shred(0, *col, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'x'"), std::string::npos) << s.message();
}

TEST(LevelBuilder, RequiredFlatColumnHasNoLevels) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{Field{"x", types::Int32(), false}});
  auto desc = SchemaDescriptor::FromSchema(*schema);
  ASSERT_TRUE(desc.ok());
  ColumnBuilder cb(types::Int32());
  for (int i = 0; i < 5; ++i) cb.AppendInt(i);
  ColumnPtr col = cb.Finish();
  LevelBuilder b(**desc);
  ShreddedLeaf out;
  ASSERT_TRUE(b.Shred(0, *col, 1, 4, &out).ok());
  EXPECT_EQ(out.def_levels, nullptr);
  EXPECT_EQ(out.rep_levels, nullptr);
  EXPECT_EQ(out.num_levels, 3);
  EXPECT_EQ(out.num_values, 3);
  EXPECT_EQ(out.row_offset, 1);
  EXPECT_EQ(out.value_map, ShreddedLeaf::ValueMap::kAll);
}

}  // namespace
}  // namespace floe::parquet
