// Column: one typed column of a batch, laid out per its type (see type.h), and
// ColumnBuilder, which appends values one at a time. RecordBatch: equal-length
// columns under a schema.
//
// A Column is a plain value: its buffers are public so encoders and decoders can
// fill them in bulk. Columns are shared read-only through ColumnPtr once built;
// nothing here is thread-safe for concurrent mutation.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "floe/columnar/type.h"
#include "floe/common/buffer.h"
#include "floe/common/status.h"

namespace floe {

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
}
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}

struct Column;
using ColumnPtr = std::shared_ptr<Column>;

struct Column {
  TypePtr type;
  int64_t length = 0;
  int64_t null_count = 0;
  // Bit i set when value i is present. Empty when null_count == 0 (readers must not look at
  // it then); otherwise at least ceil(length / 8) bytes, and the bits at and beyond `length`
  // are unspecified (ColumnBuilder leaves them zero, with exactly ceil(length / 8) bytes).
  Buffer validity;
  // Fixed-width values (length * FixedWidth() bytes).
  Buffer values;
  // int64 offsets, length + 1 of them, for var-binary, list and map types.
  Buffer offsets;
  // The bytes of var-binary values.
  Buffer data;
  // Nested children (see type.h).
  std::vector<ColumnPtr> children;

  explicit Column(TypePtr t) : type(std::move(t)) {}

  bool IsValid(int64_t i) const { return null_count == 0 || GetBit(validity.data(), i); }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  template <typename T>
  T Value(int64_t i) const {
    return values.as<T>()[i];
  }
  template <typename T>
  const T* Values() const {
    return values.as<T>();
  }
  const int64_t* Offsets() const { return offsets.as<int64_t>(); }
  // Var-binary value i (string, enum, json, binary).
  std::string_view StringAt(int64_t i) const {
    const int64_t* o = Offsets();
    return {reinterpret_cast<const char*>(data.data()) + o[i],
            static_cast<size_t>(o[i + 1] - o[i])};
  }
  // Fixed-size binary value i (fixed, uuid, interval).
  std::string_view FixedAt(int64_t i) const {
    const int w = type->FixedWidth();
    return {reinterpret_cast<const char*>(values.data()) + i * w, static_cast<size_t>(w)};
  }
  // List/map: the range [begin, end) of child rows for row i.
  int64_t ListBegin(int64_t i) const { return Offsets()[i]; }
  int64_t ListEnd(int64_t i) const { return Offsets()[i + 1]; }

  // Checks the layout invariants (buffer sizes, offsets monotone and in range, child
  // lengths). Used on columns built from untrusted input and in tests.
  Status Validate() const;
};

// Appends values to a column of a given type. Append calls must match the type;
// mismatches are programming errors (checked in debug builds).
//
// Lists and maps: append the elements to child(0) (and child(1) for map values),
// then call CloseList() to end the row. Structs: append one value to every child,
// then CloseStruct(). AppendNull() works for every type (for a struct it also
// appends a null to each child so children stay aligned).
//
// Growth: every buffer grows geometrically (amortized O(1) per append), the validity
// bitmap included; it is created at the first null (with every earlier row valid) and then
// grows one byte per 8 rows. Reserve() sizes the buffers up front when the row count is
// known, e.g. once per batch. Not thread-safe.
class ColumnBuilder {
 public:
  explicit ColumnBuilder(TypePtr type);

  const TypePtr& type() const { return type_; }
  int64_t length() const { return col_->length; }
  ColumnBuilder& child(size_t i) { return *children_[i]; }
  size_t num_children() const { return children_.size(); }

  // Makes room for `rows` more rows beyond length() without further allocation: values
  // (fixed-width types), offsets (var-binary, list, map), the validity bitmap (now if the
  // column already has a null, else when its first null arrives), and for var-binary types
  // `data_bytes` more bytes of value data. Struct children get the same `rows` (and no data
  // bytes: reserve var-binary children directly); list and map children are not reserved,
  // their element count being unknown. Only capacity changes: length(), the values and
  // ByteSize() stay as they are; the reservation lasts until Finish(). Negative counts are
  // taken as 0. Calling it is optional; it saves the regrowth copies.
  void Reserve(int64_t rows, int64_t data_bytes = 0);

  void AppendNull();
  void AppendBool(bool v);
  // Integers of any width, date (days), time and timestamp (in the type's unit).
  void AppendInt(int64_t v);
  void AppendUInt(uint64_t v);
  // float32/float64; float16 takes the value rounded to half precision.
  void AppendDouble(double v);
  void AppendFloat16Bits(uint16_t bits);
  void AppendDecimal(__int128 unscaled);
  // Var-binary types, and fixed/uuid/interval (the bytes must be exactly the width).
  void AppendBytes(std::string_view v);
  // Runs of present values, as the one-at-a-time calls above would append them, with one
  // type dispatch and one capacity check per run.
  void AppendInts(std::span<const int64_t> values);
  void AppendDoubles(std::span<const double> values);
  void AppendManyBytes(std::span<const std::string_view> values);
  void CloseList();
  void CloseStruct();

  // Finishes and returns the column; the builder is left empty and reusable (with no
  // reservation: call Reserve again for the next batch).
  ColumnPtr Finish();
  // Bytes buffered so far (approximate), for batch sizing.
  int64_t ByteSize() const;

 private:
  // Ends a present row. Invariant, once the column has a null: validity holds exactly
  // ceil(length / 8) bytes and every bit at or beyond length is zero, so a new row needs a
  // new byte only every 8 rows and never a clear.
  void MarkValid() {
    const int64_t i = col_->length++;
    if (col_->null_count == 0) return;
    if ((i & 7) == 0) {
      col_->validity.Push<uint8_t>(1);
    } else {
      SetBit(col_->validity.data(), i);
    }
  }
  // MarkValid for `n` rows.
  void MarkValidRun(int64_t n) {
    if (col_->null_count == 0) {
      col_->length += n;
      return;
    }
    for (int64_t k = 0; k < n; ++k) MarkValid();
  }
  template <typename T>
  void PushValue(T v) {
    col_->values.Push(v);
    MarkValid();
  }
  void ResetColumn();

  TypePtr type_;
  int fixed_width_ = 0;       // type_->FixedWidth()
  bool has_offsets_ = false;  // var-binary, list, map
  // Rows the current reservation covers (0: none); the bitmap is sized to it when created.
  int64_t reserved_rows_ = 0;
  ColumnPtr col_;
  std::vector<std::unique_ptr<ColumnBuilder>> children_;
};

struct RecordBatch {
  SchemaPtr schema;
  std::vector<ColumnPtr> columns;
  int64_t num_rows = 0;

  Status Validate() const;
};

// Builds a RecordBatch row by row through one ColumnBuilder per top-level field.
class BatchBuilder {
 public:
  explicit BatchBuilder(SchemaPtr schema);
  ColumnBuilder& column(size_t i) { return *columns_[i]; }
  size_t num_columns() const { return columns_.size(); }
  // Number of rows so far: the length of the first column.
  int64_t num_rows() const { return columns_.empty() ? 0 : columns_[0]->length(); }
  // ColumnBuilder::Reserve(rows) on every column (no var-binary data bytes: reserve those
  // per column when their size can be estimated).
  void Reserve(int64_t rows);
  int64_t ByteSize() const;
  RecordBatch Finish();

 private:
  SchemaPtr schema_;
  std::vector<std::unique_ptr<ColumnBuilder>> columns_;
};

}  // namespace floe
