#include "floe/format/parquet/level_builder.h"

#include <algorithm>

namespace floe::parquet {

LevelBuilder::LevelBuilder(const SchemaDescriptor& schema) : schema_(schema) {
  paths_.resize(schema.columns().size());
  std::vector<Step> stack;
  for (size_t f = 0; f < schema.fields().size(); ++f) {
    BuildPaths(schema.fields()[f], static_cast<int>(f), -1, &stack);
  }
}

void LevelBuilder::BuildPaths(const SchemaNode& node, int field, int child,
                              std::vector<Step>* stack) {
  stack->push_back(Step{&node, child});
  if (node.kind == NodeKind::kPrimitive) {
    if (node.leaf_index >= 0 && static_cast<size_t>(node.leaf_index) < paths_.size()) {
      Path& p = paths_[node.leaf_index];
      p.field = field;
      p.steps = *stack;
      p.flat = std::none_of(stack->begin(), stack->end(), [](const Step& s) {
        return s.node->kind == NodeKind::kList || s.node->kind == NodeKind::kMap;
      });
    }
  } else {
    for (size_t i = 0; i < node.children.size(); ++i) {
      BuildPaths(node.children[i], field, static_cast<int>(i), stack);
    }
  }
  stack->pop_back();
}

Status LevelBuilder::RequiredNull(const Path& path, size_t depth) const {
  const ColumnDescriptor& col = schema_.columns()[path.steps.back().node->leaf_index];
  return Status::InvalidArgument(
      "column '{}': '{}' is required (not nullable) but the batch has a null there",
      col.dotted_path, path.steps[depth].node->name);
}

Status LevelBuilder::Shred(int leaf, const Column& field_column, int64_t row_begin, int64_t row_end,
                           LevelScratch* scratch, ShreddedLeaf* out) const {
  if (leaf < 0 || static_cast<size_t>(leaf) >= paths_.size() || paths_[leaf].steps.empty()) {
    return Status::Internal("level builder: no leaf {}", leaf);
  }
  const Path& path = paths_[leaf];
  const ColumnDescriptor& col = schema_.columns()[leaf];
  *out = ShreddedLeaf{};
  out->column = &col;
  if (row_begin < 0 || row_end < row_begin || row_end > field_column.length) {
    return Status::Internal("level builder: rows [{}, {}) of a column of {}", row_begin, row_end,
                            field_column.length);
  }
  out->num_rows = row_end - row_begin;
  // Walk the columns along the path (validates the shape against the schema).
  const Column* c = &field_column;
  for (size_t d = 1; d < path.steps.size(); ++d) {
    const size_t child = static_cast<size_t>(path.steps[d].child);
    if (child >= c->children.size()) {
      return Status::InvalidArgument("column '{}': the batch's column for '{}' has {} children",
                                     col.dotted_path, path.steps[d - 1].node->name,
                                     c->children.size());
    }
    c = c->children[child].get();
  }
  out->values = c;
  return path.flat ? ShredFlat(path, field_column, row_begin, row_end, scratch, out)
                   : ShredNested(path, field_column, row_begin, row_end, scratch, out);
}

Status LevelBuilder::ShredFlat(const Path& path, const Column& top, int64_t begin, int64_t end,
                               LevelScratch* s, ShreddedLeaf* out) const {
  const int16_t max_def = out->column->max_def_level;
  const int64_t n = end - begin;
  out->num_levels = n;
  out->row_offset = begin;
  std::vector<const Column*> cols;
  cols.reserve(path.steps.size());
  const Column* c = &top;
  bool any_nulls = false;
  for (size_t d = 0; d < path.steps.size(); ++d) {
    if (d > 0) c = c->children[path.steps[d].child].get();
    if (c->length < end) {
      return Status::InvalidArgument("column '{}': {} rows under a parent of {}",
                                     out->column->dotted_path, c->length, end);
    }
    cols.push_back(c);
    any_nulls |= c->null_count > 0;
  }
  if (max_def == 0) {
    if (any_nulls) {
      for (size_t d = 0; d < cols.size(); ++d) {
        if (cols[d]->null_count > 0) return RequiredNull(path, d);
      }
    }
    out->value_map = ShreddedLeaf::ValueMap::kAll;
    out->num_values = n;
    return Status::OK();
  }
  s->def.Resize(static_cast<size_t>(n) * sizeof(int16_t));
  int16_t* def = s->def.as<int16_t>();
  out->def_levels = def;
  if (!any_nulls) {
    std::fill(def, def + n, max_def);
    out->value_map = ShreddedLeaf::ValueMap::kAll;
    out->num_values = n;
    return Status::OK();
  }
  std::fill(def, def + n, int16_t{0});
  int16_t level = 0;
  for (size_t d = 0; d < cols.size(); ++d) {
    const Column& col = *cols[d];
    const bool nullable = path.steps[d].node->nullable;
    if (nullable) {
      const int16_t next = static_cast<int16_t>(level + 1);
      if (col.null_count == 0) {
        for (int64_t i = 0; i < n; ++i) def[i] = def[i] == level ? next : def[i];
      } else {
        const uint8_t* bits = col.validity.data();
        for (int64_t i = 0; i < n; ++i) {
          def[i] = (def[i] == level && GetBit(bits, begin + i)) ? next : def[i];
        }
      }
      level = next;
    } else if (col.null_count > 0) {
      const uint8_t* bits = col.validity.data();
      for (int64_t i = 0; i < n; ++i) {
        if (def[i] == level && !GetBit(bits, begin + i)) return RequiredNull(path, d);
      }
    }
  }
  if (level != max_def) {
    return Status::Internal("column '{}': schema levels disagree ({} vs {})",
                            out->column->dotted_path, level, max_def);
  }
  int64_t present = 0;
  for (int64_t i = 0; i < n; ++i) present += def[i] == max_def;
  out->num_values = present;
  out->value_map = present == n ? ShreddedLeaf::ValueMap::kAll : ShreddedLeaf::ValueMap::kLevels;
  return Status::OK();
}

Status LevelBuilder::ShredNested(const Path& path, const Column& top, int64_t begin, int64_t end,
                                 LevelScratch* s, ShreddedLeaf* out) const {
  s->def.Clear();
  s->rep.Clear();
  s->indices.Clear();
  // A first guess at the size: a slot per row.
  const size_t guess = static_cast<size_t>(end - begin);
  s->def.Reserve(guess * sizeof(int16_t));
  s->rep.Reserve(guess * sizeof(int16_t));
  FLOE_RETURN_IF_ERROR(
      ShredRange(Nested{&path, s, out->column->max_def_level}, 0, top, begin, end, 0, 0));
  out->num_levels = static_cast<int64_t>(s->def.size() / sizeof(int16_t));
  out->def_levels = s->def.as<int16_t>();
  out->rep_levels = s->rep.as<int16_t>();
  out->num_values = static_cast<int64_t>(s->indices.size() / sizeof(int64_t));
  out->value_map = ShreddedLeaf::ValueMap::kIndices;
  out->indices = s->indices.as<int64_t>();
  return Status::OK();
}

namespace {
inline void Emit(LevelScratch* s, int16_t def, int16_t rep) {
  s->def.Push(def);
  s->rep.Push(rep);
}
}  // namespace

Status LevelBuilder::ShredRange(const Nested& n, size_t depth, const Column& col, int64_t begin,
                                int64_t end, int16_t rep_first, int16_t rep_rest) const {
  const Path& path = *n.path;
  LevelScratch* s = n.s;
  if (begin >= end) return Status::OK();
  if (end > col.length) {
    return Status::InvalidArgument("column '{}': offsets reach row {} of a column of {}",
                                   path.steps[depth].node->name, end, col.length);
  }
  const SchemaNode& node = *path.steps[depth].node;
  const bool has_nulls = col.null_count > 0;
  const uint8_t* bits = col.validity.data();
  if (has_nulls && !node.nullable) {
    for (int64_t j = begin; j < end; ++j) {
      if (!GetBit(bits, j)) return RequiredNull(path, depth);
    }
  }
  const bool check_nulls = has_nulls && node.nullable;
  const int16_t null_def = static_cast<int16_t>(node.def_level - 1);
  switch (node.kind) {
    case NodeKind::kPrimitive: {
      const int16_t def = node.def_level;
      if (def != n.max_def) {
        return Status::Internal("column '{}': schema levels disagree", node.name);
      }
      const size_t count = static_cast<size_t>(end - begin);
      s->def.Reserve(s->def.size() + count * sizeof(int16_t));
      s->rep.Reserve(s->rep.size() + count * sizeof(int16_t));
      s->indices.Reserve(s->indices.size() + count * sizeof(int64_t));
      for (int64_t j = begin; j < end; ++j) {
        const int16_t rep = j == begin ? rep_first : rep_rest;
        if (check_nulls && !GetBit(bits, j)) {
          Emit(s, null_def, rep);
        } else {
          Emit(s, def, rep);
          s->indices.Push<int64_t>(j);
        }
      }
      return Status::OK();
    }
    case NodeKind::kStruct: {
      const Column& child = *col.children[path.steps[depth + 1].child];
      if (child.length < end) {
        return Status::InvalidArgument("struct '{}': child has {} rows, need {}", node.name,
                                       child.length, end);
      }
      if (!check_nulls) {
        return ShredRange(n, depth + 1, child, begin, end, rep_first, rep_rest);
      }
      int64_t j = begin;
      while (j < end) {
        const int16_t rep = j == begin ? rep_first : rep_rest;
        if (!GetBit(bits, j)) {
          Emit(s, null_def, rep);
          ++j;
          continue;
        }
        int64_t k = j + 1;
        while (k < end && GetBit(bits, k)) ++k;
        FLOE_RETURN_IF_ERROR(ShredRange(n, depth + 1, child, j, k, rep, rep_rest));
        j = k;
      }
      return Status::OK();
    }
    case NodeKind::kList:
    case NodeKind::kMap: {
      const Column& child = *col.children[path.steps[depth + 1].child];
      const int64_t* off = col.Offsets();
      for (int64_t j = begin; j < end; ++j) {
        const int16_t rep = j == begin ? rep_first : rep_rest;
        if (check_nulls && !GetBit(bits, j)) {
          Emit(s, null_def, rep);
        } else if (off[j] >= off[j + 1]) {
          Emit(s, node.def_level, rep);
        } else {
          FLOE_RETURN_IF_ERROR(
              ShredRange(n, depth + 1, child, off[j], off[j + 1], rep, node.rep_level));
        }
      }
      return Status::OK();
    }
    default:
      break;
  }
  return Status::NotSupported("column '{}': cannot write a {} node", node.name,
                              node.type ? node.type->ToString() : "variant");
}

}  // namespace floe::parquet
