// Partition specs (spec "Partitioning", Appendix C "Partition Specs"): a spec id and
// fields, each a source column (or, in v3, several), a partition field id (from 1000),
// a name and a transform. Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"
#include "floe/iceberg/schema.h"
#include "floe/iceberg/transform.h"
#include "floe/iceberg/value.h"

namespace floe::iceberg {

// Partition field ids start here (v1 assigned them sequentially from 1000).
inline constexpr int32_t kFirstPartitionFieldId = 1000;
// last-partition-id of a table with no partition fields yet.
inline constexpr int32_t kUnpartitionedLastAssignedId = kFirstPartitionFieldId - 1;

struct PartitionField {
  int32_t source_id = 0;
  // v3 multi-argument transforms: every source id (empty for single-argument transforms,
  // which use source_id).
  std::vector<int32_t> source_ids;
  int32_t field_id = 0;
  std::string name;
  Transform transform;

  bool operator==(const PartitionField&) const = default;
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;

  bool IsUnpartitioned() const { return fields.empty(); }
  // The highest field id in the spec, or kUnpartitionedLastAssignedId when empty.
  int32_t LastAssignedFieldId() const;
  // The partition tuple's struct fields (optional, typed by each transform's result type,
  // ids = partition field ids), resolved against `schema`. Unknown transforms give string.
  Result<std::vector<NestedField>> PartitionType(const Schema& schema) const;
  // Applies each field's transform to the row's source values, looked up by field id
  // through `source_value(source_id)`; the result has one Value per spec field.
  template <typename SourceValueFn>
  Result<std::vector<Value>> PartitionTuple(const Schema& schema,
                                            SourceValueFn&& source_value) const;
  // "name=value/name=value" with Java's human strings, URL-encoded (Iceberg's
  // PartitionSpec.partitionToPath). `tuple` holds transformed values, one per field.
  Result<std::string> PartitionPath(const Schema& schema, const std::vector<Value>& tuple) const;
  // Every source column exists, is a primitive the transform accepts; field ids unique.
  Status Validate(const Schema& schema) const;

  bool operator==(const PartitionSpec&) const = default;
};

// {"spec-id": N, "fields": [...]}.
nlohmann::json PartitionSpecToJson(const PartitionSpec& spec);
// Just the fields array (v1's "partition-spec" and manifest metadata).
nlohmann::json PartitionFieldsToJson(const std::vector<PartitionField>& fields);
Result<PartitionSpec> PartitionSpecFromJson(const nlohmann::json& j, std::string_view path);

// Parses a spec written as text, the way `floe table create --partition` and the ingest
// sinks take it: comma-separated terms "col", "day(ts)" (also year/month/hour, and the
// plural forms), "bucket(16, id)", "truncate(4, name)" (the parameter on either side) or
// "void(col)". Columns resolve by name against `schema`; partition field ids start at
// kFirstPartitionFieldId and names follow Java's ("ts_day", "id_bucket", "name_trunc").
Result<PartitionSpec> ParsePartitionSpecText(std::string_view text, const Schema& schema);
// The terms of such text: split at the commas outside parentheses, trimmed, empty ones
// dropped. Views into `text`.
std::vector<std::string_view> SplitPartitionTerms(std::string_view text);
// A fields array; fields without "field-id" (v1) are numbered from 1000 in order.
Result<std::vector<PartitionField>> PartitionFieldsFromJson(const nlohmann::json& j,
                                                            std::string_view path);

template <typename SourceValueFn>
Result<std::vector<Value>> PartitionSpec::PartitionTuple(const Schema& schema,
                                                         SourceValueFn&& source_value) const {
  std::vector<Value> out;
  out.reserve(fields.size());
  for (const PartitionField& f : fields) {
    const NestedField* src = schema.FindById(f.source_id);
    if (src == nullptr) {
      return Status::InvalidArgument("partition field '{}': source column {} not in schema", f.name,
                                     f.source_id);
    }
    FLOE_ASSIGN_OR_RETURN(Value v, f.transform.Apply(*src->type, source_value(f.source_id)));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace floe::iceberg
