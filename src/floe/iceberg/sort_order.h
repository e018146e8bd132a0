// Sort orders (spec "Sorting", Appendix C "Sort Orders"). Order id 0 is the unsorted
// order. Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"
#include "floe/iceberg/transform.h"

namespace floe::iceberg {

enum class SortDirection : uint8_t { kAsc, kDesc };
enum class NullOrder : uint8_t { kNullsFirst, kNullsLast };

struct SortField {
  Transform transform;
  int32_t source_id = 0;
  std::vector<int32_t> source_ids;  // v3 multi-argument transforms only
  SortDirection direction = SortDirection::kAsc;
  NullOrder null_order = NullOrder::kNullsFirst;

  bool operator==(const SortField&) const = default;
};

inline constexpr int32_t kUnsortedOrderId = 0;

struct SortOrder {
  int32_t order_id = kUnsortedOrderId;
  std::vector<SortField> fields;

  bool IsUnsorted() const { return fields.empty(); }
  bool operator==(const SortOrder&) const = default;
};

nlohmann::json SortOrderToJson(const SortOrder& order);
Result<SortOrder> SortOrderFromJson(const nlohmann::json& j, std::string_view path);

}  // namespace floe::iceberg
