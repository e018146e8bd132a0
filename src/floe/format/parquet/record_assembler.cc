#include "floe/format/parquet/record_assembler.h"

#include <cstring>

#include "floe/format/parquet/variant.h"

namespace floe::parquet {

namespace {

const SchemaNode& FirstLeaf(const SchemaNode& n) {
  const SchemaNode* p = &n;
  while (p->kind != NodeKind::kPrimitive) p = &p->children[0];
  return *p;
}

// A level stream: entries of one leaf column. When the leaf has no levels, every
// entry is a present value at level 0.
struct Levels {
  const int16_t* def = nullptr;
  const int16_t* rep = nullptr;
  int64_t n = 0;
  int16_t Def(int64_t i) const { return def ? def[i] : 0; }
  int16_t Rep(int64_t i) const { return rep ? rep[i] : 0; }
};

Levels LevelsOf(const LeafData& leaf) {
  Levels l;
  l.def = leaf.def_levels.empty() ? nullptr : leaf.def_levels.data();
  l.rep = leaf.rep_levels.empty() ? nullptr : leaf.rep_levels.data();
  l.n = leaf.num_entries;
  return l;
}

class Assembler {
 public:
  explicit Assembler(std::vector<LeafData>& leaves) : leaves_(leaves) {}

  // `threshold`: minimum definition level for an entry to open a slot of `node`;
  // `enclosing_rep`: repetition level of the nearest enclosing list (0 at top level).
  Result<ColumnPtr> Build(const SchemaNode& node, int16_t threshold, int16_t enclosing_rep) {
    switch (node.kind) {
      case NodeKind::kPrimitive:
        return BuildPrimitive(node, threshold);
      case NodeKind::kStruct:
        return BuildStruct(node, threshold, enclosing_rep);
      case NodeKind::kList:
      case NodeKind::kMap:
        return BuildList(node, threshold, enclosing_rep);
      case NodeKind::kVariant: {
        SchemaNode as_struct = node;
        as_struct.kind = NodeKind::kStruct;
        std::vector<Field> fields;
        for (const SchemaNode& c : node.children) {
          fields.push_back(Field{c.name, c.type, c.nullable, c.field_id});
        }
        as_struct.type = types::Struct(std::move(fields));
        FLOE_ASSIGN_OR_RETURN(ColumnPtr parts, BuildStruct(as_struct, threshold, enclosing_rep));
        auto json = VariantColumnToJson(*parts);
        if (!json.ok()) return json.status().WithContext(fmt::format("column '{}'", node.name));
        return std::move(*json);
      }
    }
    return Status::Internal("unknown node kind");
  }

 private:
  static void SetValidity(Column& col, const std::vector<uint8_t>& valid) {
    int64_t nulls = 0;
    for (uint8_t v : valid) nulls += !v;
    col.null_count = nulls;
    col.length = static_cast<int64_t>(valid.size());
    if (nulls == 0) return;
    col.validity.ResizeZeroed((valid.size() + 7) / 8);
    for (size_t i = 0; i < valid.size(); ++i) {
      if (valid[i]) SetBit(col.validity.data(), static_cast<int64_t>(i));
    }
  }

  Result<ColumnPtr> BuildStruct(const SchemaNode& node, int16_t threshold, int16_t enclosing_rep) {
    const Levels lv = LevelsOf(leaves_[FirstLeaf(node).leaf_index]);
    std::vector<uint8_t> valid;
    for (int64_t i = 0; i < lv.n; ++i) {
      const int16_t d = lv.Def(i);
      if (d < threshold || lv.Rep(i) > enclosing_rep) continue;
      valid.push_back(d >= node.def_level);
    }
    auto col = std::make_shared<Column>(node.type);
    SetValidity(*col, valid);
    for (const SchemaNode& child : node.children) {
      FLOE_ASSIGN_OR_RETURN(ColumnPtr c, Build(child, threshold, enclosing_rep));
      if (c->length != col->length) {
        return Status::Corruption("column '{}': struct field '{}' has {} values, expected {}",
                                  node.name, child.name, c->length, col->length);
      }
      col->children.push_back(std::move(c));
    }
    return col;
  }

  Result<ColumnPtr> BuildList(const SchemaNode& node, int16_t threshold, int16_t enclosing_rep) {
    const Levels lv = LevelsOf(leaves_[FirstLeaf(node).leaf_index]);
    std::vector<uint8_t> valid;
    auto col = std::make_shared<Column>(node.type);
    col->offsets.Push<int64_t>(0);
    int64_t elements = 0;
    bool open = false;
    for (int64_t i = 0; i < lv.n; ++i) {
      const int16_t d = lv.Def(i);
      const int16_t r = lv.Rep(i);
      if (d < threshold) continue;
      if (r <= enclosing_rep) {
        // A new list value.
        if (open) col->offsets.Push<int64_t>(elements);
        open = true;
        valid.push_back(d >= node.def_level);
        if (d >= node.repeated_def_level) ++elements;
      } else if (r == node.rep_level) {
        if (!open) {
          return Status::Corruption(
              "column '{}': repetition level {} at entry {} continues no list", node.name, r, i);
        }
        ++elements;
      }
    }
    if (open) col->offsets.Push<int64_t>(elements);
    SetValidity(*col, valid);
    for (const SchemaNode& child : node.children) {
      FLOE_ASSIGN_OR_RETURN(ColumnPtr c, Build(child, node.repeated_def_level, node.rep_level));
      if (c->length != elements) {
        return Status::Corruption("column '{}': {} elements in '{}', expected {}", node.name,
                                  c->length, child.name, elements);
      }
      col->children.push_back(std::move(c));
    }
    return col;
  }

  Result<ColumnPtr> BuildPrimitive(const SchemaNode& node, int16_t threshold) {
    LeafData& leaf = leaves_[node.leaf_index];
    const Levels lv = LevelsOf(leaf);
    const int16_t max_def = node.def_level;
    auto col = std::make_shared<Column>(node.type);
    const bool var = node.type->IsVarBinary();
    const int width = node.type->FixedWidth();

    // Fast path: every entry is a present value.
    bool all_present = true;
    if (lv.def) {
      for (int64_t i = 0; i < lv.n; ++i) {
        if (lv.def[i] != max_def) {
          all_present = false;
          break;
        }
      }
    }
    if (all_present) {
      if (leaf.num_values != lv.n) {
        return Status::Corruption("column '{}': {} values for {} entries", leaf.column->dotted_path,
                                  leaf.num_values, lv.n);
      }
      col->length = lv.n;
      col->values = std::move(leaf.values);
      col->offsets = std::move(leaf.offsets);
      col->data = std::move(leaf.data);
      if (var && col->offsets.empty()) col->offsets.Push<int64_t>(0);
      return col;
    }

    std::vector<uint8_t> valid;
    valid.reserve(static_cast<size_t>(lv.n));
    int64_t next_value = 0;
    const int64_t* src_off = var ? leaf.offsets.as<int64_t>() : nullptr;
    if (var) col->offsets.Push<int64_t>(0);
    for (int64_t i = 0; i < lv.n; ++i) {
      const int16_t d = lv.def[i];
      if (d < threshold) continue;
      if (d == max_def) {
        if (next_value >= leaf.num_values) {
          return Status::Corruption("column '{}': more present entries than the {} values decoded",
                                    leaf.column->dotted_path, leaf.num_values);
        }
        valid.push_back(1);
        if (var) {
          const int64_t b = src_off[next_value], e = src_off[next_value + 1];
          col->data.Append(leaf.data.data() + b, static_cast<size_t>(e - b));
          col->offsets.Push<int64_t>(static_cast<int64_t>(col->data.size()));
        } else {
          col->values.Append(leaf.values.data() + next_value * width, width);
        }
        ++next_value;
      } else {
        valid.push_back(0);
        if (var) {
          col->offsets.Push<int64_t>(static_cast<int64_t>(col->data.size()));
        } else {
          const size_t old = col->values.size();
          col->values.ResizeZeroed(old + width);
        }
      }
    }
    if (next_value != leaf.num_values) {
      return Status::Corruption("column '{}': {} values decoded but levels use {}",
                                leaf.column->dotted_path, leaf.num_values, next_value);
    }
    SetValidity(*col, valid);
    return col;
  }

  std::vector<LeafData>& leaves_;
};

}  // namespace

Result<ColumnPtr> AssembleColumn(const SchemaNode& node, std::vector<LeafData>& leaves,
                                 int64_t num_rows) {
  Assembler a(leaves);
  FLOE_ASSIGN_OR_RETURN(ColumnPtr col, a.Build(node, 0, 0));
  if (col->length != num_rows) {
    return Status::Corruption("column '{}': {} values assembled for {} rows in the row group",
                              node.name, col->length, num_rows);
  }
  return col;
}

}  // namespace floe::parquet
