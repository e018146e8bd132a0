// The bridge between a Parquet schema (a flattened tree of SchemaElements) and
// floe's columnar Schema.
//
// A SchemaDescriptor holds the tree as SchemaNodes, each tied to the columnar type it
// reads as, with the definition and repetition levels of every node, and the list of
// leaf columns (ColumnDescriptor) in file order. It is built either from a file's
// footer (reading: applies the format's backward-compatibility rules for legacy
// two-level lists, unannotated repeated fields and converted types) or from a
// columnar Schema (writing: standard three-level LIST and MAP layouts, logical types
// plus the matching converted types for old readers).
//
// Immutable once built; safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "floe/columnar/type.h"
#include "floe/common/status.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// How a node's values appear in columnar form.
enum class NodeKind : uint8_t {
  kPrimitive,  // a leaf column
  kStruct,     // a group read as a struct
  kList,       // a list; children[0] is the element node
  kMap,        // a map; children[0] is the key node, children[1] the value node
  kVariant,    // a VARIANT group (metadata, value, optional typed_value) read as JSON text
};

struct SchemaNode {
  NodeKind kind = NodeKind::kPrimitive;
  std::string name;
  TypePtr type;          // the columnar type of this node's values
  bool nullable = true;  // an optional value at this node (adds a definition level)
  int32_t field_id = -1;
  // Definition level a value at this node has when present (non-null), and the
  // repetition level of this node. For lists and maps, `repeated_def_level` is the
  // definition level at which the list is non-null but empty is told apart from
  // "has at least one element" (the level of the repeated group) and `rep_level`
  // is the repetition level of that repeated group.
  int16_t def_level = 0;
  int16_t rep_level = 0;
  int16_t repeated_def_level = 0;
  int leaf_index = -1;  // kPrimitive: index into SchemaDescriptor::columns()
  std::vector<SchemaNode> children;
};

struct ColumnDescriptor {
  int index = 0;                  // leaf ordinal in the file
  std::vector<std::string> path;  // Parquet path, e.g. {"tags", "list", "element"}
  std::string dotted_path;        // "tags.list.element"
  Type physical_type = Type::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
  int16_t max_def_level = 0;
  int16_t max_rep_level = 0;
  TypePtr type;           // columnar type of the leaf values
  SchemaElement element;  // the leaf's schema element as in the footer
};

// Options for building a Parquet schema from a columnar one.
struct SchemaWriteOptions {
  // Write field ids (Field::id >= 0) into SchemaElement.field_id.
  bool write_field_ids = true;
};

class SchemaDescriptor {
 public:
  // Reading: from the footer's schema elements (element 0 is the root).
  static Result<std::shared_ptr<const SchemaDescriptor>> FromElements(
      const std::vector<SchemaElement>& elements);
  // Writing: from a columnar schema.
  static Result<std::shared_ptr<const SchemaDescriptor>> FromSchema(
      const Schema& schema, const SchemaWriteOptions& options = {});

  // The columnar schema this file reads as (top-level fields = root's children).
  const SchemaPtr& schema() const { return schema_; }
  // The root's children, one per top-level field.
  const std::vector<SchemaNode>& fields() const { return fields_; }
  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  // The flattened elements for a footer (root first), as built or as read.
  const std::vector<SchemaElement>& elements() const { return elements_; }
  // Leaf indexes under a top-level field or a dotted path ("a", "a.b");
  // NotFound when nothing matches.
  Result<std::vector<int>> LeavesUnder(std::string_view dotted_path) const;

 private:
  SchemaPtr schema_;
  std::vector<SchemaNode> fields_;
  std::vector<ColumnDescriptor> columns_;
  std::vector<SchemaElement> elements_;
};

}  // namespace floe::parquet
