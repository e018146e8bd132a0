// Record assembly: rebuilds nested columnar values from the repetition and definition
// levels of the leaf columns (the inverse of Dremel striping).
//
// For a node X, an entry of a leaf below X opens a new "slot" of X (a value of X, maybe
// null) when its definition level reaches X's slot threshold and its repetition level
// is at most the repetition level of X's nearest enclosing list. Every leaf below X
// agrees on X's slots, so a struct or list takes its structure from its first leaf and
// each primitive takes its values from its own leaf.
#pragma once

#include <vector>

#include "floe/columnar/column.h"
#include "floe/format/parquet/column_reader.h"
#include "floe/format/parquet/schema.h"

namespace floe::parquet {

// Assembles the column of top-level field `node` from `leaves` (indexed by leaf index;
// only the leaves under `node` are read). `num_rows` is the row count of the chunk.
// Leaf value buffers may be moved out (the leaves are consumed).
Result<ColumnPtr> AssembleColumn(const SchemaNode& node, std::vector<LeafData>& leaves,
                                 int64_t num_rows);

}  // namespace floe::parquet
