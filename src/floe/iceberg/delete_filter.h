// Row-level deletes on read (spec "Row-level Deletes"): the contents of positional delete
// files, deletion vectors and equality delete files, loaded once per scan and applied to
// the rows of each data file.
//
// DeleteFilter is not thread-safe (it caches loaded delete files).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/path_mapping.h"

namespace floe::iceberg {

// Appends a comparable key for value `row` of `column` to *key: null and non-null differ;
// integers of every width (and dates, times, timestamps) encode as int64, floats as
// double, so values compare across promoted types. NotSupported for nested columns.
Status AppendEqualityKey(const Column& column, int64_t row, std::string* key);

// The deleted row positions of one data file, as a bitmap over its rows, allocated on the
// first deletion (files without deletes cost nothing). Positions outside the file are
// ignored.
class DeletedRows {
 public:
  explicit DeletedRows(int64_t num_rows) : num_rows_(num_rows < 0 ? 0 : num_rows) {}
  void Mark(int64_t pos) {
    if (pos < 0 || pos >= num_rows_) return;
    if (bits_.empty()) bits_.resize(static_cast<size_t>(num_rows_), false);
    bits_[static_cast<size_t>(pos)] = true;
  }
  bool IsDeleted(int64_t pos) const { return !bits_.empty() && bits_[static_cast<size_t>(pos)]; }
  bool any() const { return !bits_.empty(); }
  int64_t num_rows() const { return num_rows_; }

 private:
  int64_t num_rows_;
  std::vector<bool> bits_;
};

class DeleteFilter {
 public:
  explicit DeleteFilter(PathMapping mapping) : mapping_(std::move(mapping)) {}

  // Marks in *rows the positions `deletes` removes from data file `data_path` (as
  // recorded; both sides go through the mapping). `deletes` are position delete files or
  // deletion vectors.
  Status ApplyPositionDeletes(const DataFile& deletes, const std::string& data_path,
                              DeletedRows* rows);

  // Marks the rows of `batch` (rows [base, base + batch.num_rows) of the data file) whose
  // values in the columns with the delete's equality ids match a row of `deletes`.
  Status ApplyEqualityDeletes(const DataFile& deletes, const RecordBatch& batch, int64_t base,
                              DeletedRows* rows);

 private:
  struct EqualitySet {
    std::unordered_set<std::string> keys;
  };
  Result<const std::unordered_map<std::string, std::vector<int64_t>>*> LoadPositions(
      const DataFile& deletes);
  Result<const EqualitySet*> LoadEquality(const DataFile& deletes);

  PathMapping mapping_;
  // Position delete file path (+ "#offset" for DVs) -> mapped data path -> positions.
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<int64_t>>> positions_;
  std::unordered_map<std::string, EqualitySet> equality_;
};

}  // namespace floe::iceberg
