// Shredding ("Dremel" striping): turns a top-level columnar field (a Column tree, see
// columnar/column.h) into, for each Parquet leaf under it, the repetition and definition
// levels of every leaf slot plus the positions of the leaf values that are present.
//
// Levels follow the schema built by SchemaDescriptor::FromSchema (schema.h): each
// nullable node adds one definition level, each list or map adds one definition level
// (its repeated group: "has at least one element") and one repetition level. For a slot:
//   def == max_def_level          a value is present;
//   def == node.def_level - 1     the nullable node (struct, list, map or leaf) is null;
//   def == list.def_level         the list or map is present but empty;
//   rep                           the depth of the innermost list that repeats at this
//                                 slot, 0 at the start of every row.
//
// Fast paths: a leaf under structs only ("flat") gets one slot per row, computed from the
// validity bitmaps in bulk, and no index array (its values are the leaf rows whose slot
// is defined); required flat leaves with no nulls get no levels at all. Leaves under
// lists and maps are shredded by a recursion over list rows (not per value).
//
// A required (non-nullable) node whose column marks a reachable value null is an
// InvalidArgument error naming the column: Parquet cannot represent it.
//
// Thread-safety: Shred with a caller-provided LevelScratch only reads the builder, so
// threads may shred different leaves at once, each with its own scratch; the overloads
// using the builder's own scratch are not thread-safe. A ShreddedLeaf points into the
// shredded columns and the scratch: valid until the scratch is used again.
#pragma once

#include <cstdint>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/schema.h"

namespace floe::parquet {

struct ShreddedLeaf {
  // How the present values map to rows of `values`.
  enum class ValueMap : uint8_t {
    kAll,      // every slot holds a value (num_values == num_levels); flat columns
    kLevels,   // present where def_levels[i] == max_def_level; flat columns
    kIndices,  // the k-th present value is leaf row indices[k]
  };

  const ColumnDescriptor* column = nullptr;
  const Column* values = nullptr;       // the leaf column (rows of the leaf's type)
  int64_t num_rows = 0;                 // top-level rows shredded
  int64_t row_offset = 0;               // kAll/kLevels: slot i is leaf row row_offset + i
  int64_t num_levels = 0;               // slots
  int64_t num_values = 0;               // present values (slots with def == max_def_level)
  const int16_t* def_levels = nullptr;  // num_levels entries; null when max_def_level == 0
  const int16_t* rep_levels = nullptr;  // num_levels entries; null when max_rep_level == 0
  ValueMap value_map = ValueMap::kAll;
  const int64_t* indices = nullptr;  // kIndices: num_values leaf rows, ascending
};

// The buffers a ShreddedLeaf points into; reused from call to call.
struct LevelScratch {
  Buffer def;
  Buffer rep;
  Buffer indices;
};

class LevelBuilder {
 public:
  // `schema` must outlive the builder.
  explicit LevelBuilder(const SchemaDescriptor& schema);

  // Shreds rows [row_begin, row_end) of leaf `leaf` (an index into schema.columns()) out
  // of `field_column`, the column of the top-level field the leaf belongs to
  // (schema.fields()[LeafField(leaf)]). `out` points into `scratch`. Thread-safe for
  // distinct scratches (the builder itself is not modified).
  Status Shred(int leaf, const Column& field_column, int64_t row_begin, int64_t row_end,
               LevelScratch* scratch, ShreddedLeaf* out) const;
  // As above with the builder's own scratch (not thread-safe).
  Status Shred(int leaf, const Column& field_column, int64_t row_begin, int64_t row_end,
               ShreddedLeaf* out) {
    return Shred(leaf, field_column, row_begin, row_end, &scratch_, out);
  }
  Status Shred(int leaf, const Column& field_column, ShreddedLeaf* out) {
    return Shred(leaf, field_column, 0, field_column.length, out);
  }

  // The top-level field (index into schema.fields()) that holds leaf `leaf`.
  int LeafField(int leaf) const { return paths_[leaf].field; }

 private:
  struct Step {
    const SchemaNode* node;
    int child;  // which child column of the previous step's column (-1 for the top level)
  };
  struct Path {
    int field = 0;
    bool flat = true;  // no list or map on the path
    std::vector<Step> steps;
  };

  // State of one nested shredding.
  struct Nested {
    const Path* path;
    LevelScratch* s;
    int16_t max_def;
  };

  void BuildPaths(const SchemaNode& node, int field, int child, std::vector<Step>* stack);
  Status ShredFlat(const Path& path, const Column& top, int64_t begin, int64_t end, LevelScratch* s,
                   ShreddedLeaf* out) const;
  Status ShredNested(const Path& path, const Column& top, int64_t begin, int64_t end,
                     LevelScratch* s, ShreddedLeaf* out) const;
  Status ShredRange(const Nested& n, size_t depth, const Column& col, int64_t begin, int64_t end,
                    int16_t rep_first, int16_t rep_rest) const;
  Status RequiredNull(const Path& path, size_t depth) const;

  const SchemaDescriptor& schema_;
  std::vector<Path> paths_;  // one per leaf
  LevelScratch scratch_;
};

}  // namespace floe::parquet
