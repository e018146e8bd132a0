#include "floe/columnar/column.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "floe/common/float16.h"

namespace floe {

Status Column::Validate() const {
  if (!type) return Status::Internal("column has no type");
  if (length < 0 || null_count < 0 || null_count > length) {
    return Status::Corruption("column of {}: length {} null_count {}", type->ToString(), length,
                              null_count);
  }
  if (null_count > 0 && validity.size() * 8 < static_cast<size_t>(length)) {
    return Status::Corruption("column of {}: validity bitmap too short", type->ToString());
  }
  const int width = type->FixedWidth();
  if (width > 0 && values.size() != static_cast<size_t>(length) * width) {
    return Status::Corruption("column of {}: {} value bytes for {} rows", type->ToString(),
                              values.size(), length);
  }
  const bool has_offsets =
      type->IsVarBinary() || type->id == TypeId::kList || type->id == TypeId::kMap;
  if (has_offsets) {
    if (offsets.size() != static_cast<size_t>(length + 1) * sizeof(int64_t)) {
      return Status::Corruption("column of {}: {} offsets for {} rows", type->ToString(),
                                offsets.size() / sizeof(int64_t), length);
    }
    const int64_t* o = Offsets();
    for (int64_t i = 0; i < length; ++i) {
      if (o[i] > o[i + 1] || o[i] < 0) {
        return Status::Corruption("column of {}: offsets decrease at row {}", type->ToString(), i);
      }
    }
    const int64_t end = o[length];
    if (type->IsVarBinary() && static_cast<size_t>(end) != data.size()) {
      return Status::Corruption("column of {}: offsets end at {} but data has {} bytes",
                                type->ToString(), end, data.size());
    }
    if (!type->IsVarBinary()) {
      for (const ColumnPtr& c : children) {
        if (c->length != end) {
          return Status::Corruption("column of {}: child has {} rows, offsets end at {}",
                                    type->ToString(), c->length, end);
        }
      }
    }
  }
  if (type->IsNested() && children.size() != type->children.size()) {
    return Status::Corruption("column of {}: {} children", type->ToString(), children.size());
  }
  for (const ColumnPtr& c : children) {
    if (type->id == TypeId::kStruct && c->length != length) {
      return Status::Corruption("struct child has {} rows, struct has {}", c->length, length);
    }
    FLOE_RETURN_IF_ERROR(c->Validate());
  }
  return Status::OK();
}

ColumnBuilder::ColumnBuilder(TypePtr type)
    : type_(std::move(type)),
      fixed_width_(type_->FixedWidth()),
      has_offsets_(type_->IsVarBinary() || type_->id == TypeId::kList ||
                   type_->id == TypeId::kMap) {
  for (const Field& f : type_->children) {
    children_.push_back(std::make_unique<ColumnBuilder>(f.type));
  }
  ResetColumn();
}

void ColumnBuilder::ResetColumn() {
  col_ = std::make_shared<Column>(type_);
  if (has_offsets_) col_->offsets.Push<int64_t>(0);
  reserved_rows_ = 0;
}

void ColumnBuilder::Reserve(int64_t rows, int64_t data_bytes) {
  rows = std::max<int64_t>(rows, 0);
  data_bytes = std::max<int64_t>(data_bytes, 0);
  const int64_t target = col_->length + rows;
  reserved_rows_ = std::max(reserved_rows_, target);
  if (fixed_width_ > 0) col_->values.Reserve(static_cast<size_t>(target) * fixed_width_);
  if (has_offsets_) col_->offsets.Reserve(static_cast<size_t>(target + 1) * sizeof(int64_t));
  if (type_->IsVarBinary()) col_->data.Reserve(col_->data.size() + static_cast<size_t>(data_bytes));
  if (col_->null_count > 0) col_->validity.Reserve(static_cast<size_t>(target + 7) / 8);
  if (type_->id == TypeId::kStruct) {
    for (auto& c : children_) c->Reserve(rows);
  }
}

void ColumnBuilder::AppendNull() {
  const int64_t i = col_->length;
  Buffer& validity = col_->validity;
  if (col_->null_count == 0) {
    // First null: materialize the bitmap with every earlier row valid (see MarkValid for the
    // invariant it keeps from here on).
    validity.Reserve(static_cast<size_t>(std::max(reserved_rows_, i + 1) + 7) / 8);
    validity.Resize(static_cast<size_t>(i / 8 + 1));
    std::memset(validity.data(), 0xFF, static_cast<size_t>(i / 8));
    validity.data()[i / 8] = static_cast<uint8_t>((1u << (i & 7)) - 1);
  } else if ((i & 7) == 0) {
    validity.Push<uint8_t>(0);
  }  // else bit i is already zero
  col_->null_count++;
  col_->length++;
  if (fixed_width_ > 0) {
    col_->values.ResizeZeroed(col_->values.size() + fixed_width_);
  }
  if (type_->IsVarBinary()) {
    col_->offsets.Push<int64_t>(static_cast<int64_t>(col_->data.size()));
  } else if (type_->id == TypeId::kList || type_->id == TypeId::kMap) {
    col_->offsets.Push<int64_t>(children_[0]->length());
  } else if (type_->id == TypeId::kStruct) {
    for (auto& c : children_) c->AppendNull();
  }
}

void ColumnBuilder::AppendBool(bool v) {
  assert(type_->id == TypeId::kBool);
  PushValue<uint8_t>(v ? 1 : 0);
}

void ColumnBuilder::AppendInt(int64_t v) {
  switch (type_->id) {
    case TypeId::kInt8:
      PushValue(static_cast<int8_t>(v));
      break;
    case TypeId::kInt16:
      PushValue(static_cast<int16_t>(v));
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      PushValue(static_cast<int32_t>(v));
      break;
    case TypeId::kUInt8:
      PushValue(static_cast<uint8_t>(v));
      break;
    case TypeId::kUInt16:
      PushValue(static_cast<uint16_t>(v));
      break;
    case TypeId::kUInt32:
      PushValue(static_cast<uint32_t>(v));
      break;
    case TypeId::kUInt64:
      PushValue(static_cast<uint64_t>(v));
      break;
    case TypeId::kDecimal:
      PushValue(static_cast<__int128>(v));
      break;
    case TypeId::kBool:
      PushValue<uint8_t>(v != 0);
      break;
    case TypeId::kFloat32:
      PushValue(static_cast<float>(v));
      break;
    case TypeId::kFloat64:
      PushValue(static_cast<double>(v));
      break;
    default:
      PushValue(v);
      break;  // int64, time, timestamp
  }
}

void ColumnBuilder::AppendUInt(uint64_t v) {
  if (type_->id == TypeId::kUInt64) {
    PushValue(v);
  } else {
    AppendInt(static_cast<int64_t>(v));
  }
}

void ColumnBuilder::AppendDouble(double v) {
  switch (type_->id) {
    case TypeId::kFloat32:
      PushValue(static_cast<float>(v));
      break;
    case TypeId::kFloat16:
      PushValue(DoubleToHalf(v));
      break;
    default:
      PushValue(v);
      break;
  }
}

void ColumnBuilder::AppendFloat16Bits(uint16_t bits) { PushValue(bits); }

void ColumnBuilder::AppendDecimal(__int128 unscaled) { PushValue(unscaled); }

void ColumnBuilder::AppendBytes(std::string_view v) {
  if (type_->IsVarBinary()) {
    col_->data.Append(v);
    col_->offsets.Push<int64_t>(static_cast<int64_t>(col_->data.size()));
  } else {
    assert(static_cast<int>(v.size()) == type_->FixedWidth());
    col_->values.Append(v);
  }
  MarkValid();
}

void ColumnBuilder::AppendInts(std::span<const int64_t> values) {
  switch (type_->id) {
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
      col_->values.Append(values.data(), values.size_bytes());
      MarkValidRun(static_cast<int64_t>(values.size()));
      break;
    default:
      for (const int64_t v : values) AppendInt(v);
      break;
  }
}

void ColumnBuilder::AppendDoubles(std::span<const double> values) {
  if (type_->id == TypeId::kFloat64) {
    col_->values.Append(values.data(), values.size_bytes());
    MarkValidRun(static_cast<int64_t>(values.size()));
  } else {
    for (const double v : values) AppendDouble(v);
  }
}

void ColumnBuilder::AppendManyBytes(std::span<const std::string_view> values) {
  if (!type_->IsVarBinary()) {
    for (const std::string_view v : values) AppendBytes(v);
    return;
  }
  size_t bytes = 0;
  for (const std::string_view v : values) bytes += v.size();
  Buffer& data = col_->data;
  Buffer& offsets = col_->offsets;
  size_t at = data.size();
  data.Resize(at + bytes);
  const size_t first_offset = offsets.size();
  offsets.Resize(first_offset + values.size() * sizeof(int64_t));
  uint8_t* out = data.data();
  auto* ends = reinterpret_cast<int64_t*>(offsets.data() + first_offset);
  for (size_t k = 0; k < values.size(); ++k) {
    if (!values[k].empty()) std::memcpy(out + at, values[k].data(), values[k].size());
    at += values[k].size();
    ends[k] = static_cast<int64_t>(at);
  }
  MarkValidRun(static_cast<int64_t>(values.size()));
}

void ColumnBuilder::CloseList() {
  col_->offsets.Push<int64_t>(children_[0]->length());
  MarkValid();
}

void ColumnBuilder::CloseStruct() { MarkValid(); }

ColumnPtr ColumnBuilder::Finish() {
  std::vector<ColumnPtr> kids;
  for (auto& c : children_) kids.push_back(c->Finish());
  ColumnPtr out = std::move(col_);
  out->children = std::move(kids);
  ResetColumn();
  return out;
}

int64_t ColumnBuilder::ByteSize() const {
  int64_t n = static_cast<int64_t>(col_->values.size() + col_->data.size() + col_->offsets.size() +
                                   col_->validity.size());
  for (const auto& c : children_) n += c->ByteSize();
  return n;
}

Status RecordBatch::Validate() const {
  if (!schema) return Status::Internal("batch has no schema");
  if (columns.size() != schema->fields.size()) {
    return Status::Corruption("batch has {} columns, schema {}", columns.size(),
                              schema->fields.size());
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i]->length != num_rows) {
      return Status::Corruption("column '{}' has {} rows, batch {}", schema->fields[i].name,
                                columns[i]->length, num_rows);
    }
    FLOE_RETURN_IF_ERROR(columns[i]->Validate().WithContext(schema->fields[i].name));
  }
  return Status::OK();
}

BatchBuilder::BatchBuilder(SchemaPtr schema) : schema_(std::move(schema)) {
  for (const Field& f : schema_->fields)
    columns_.push_back(std::make_unique<ColumnBuilder>(f.type));
}

void BatchBuilder::Reserve(int64_t rows) {
  for (auto& c : columns_) c->Reserve(rows);
}

int64_t BatchBuilder::ByteSize() const {
  int64_t n = 0;
  for (const auto& c : columns_) n += c->ByteSize();
  return n;
}

RecordBatch BatchBuilder::Finish() {
  RecordBatch b;
  b.schema = schema_;
  b.num_rows = num_rows();
  for (auto& c : columns_) b.columns.push_back(c->Finish());
  return b;
}

}  // namespace floe
