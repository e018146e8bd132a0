#include "floe/iceberg/sort_order.h"

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

using internal::Json;

Json SortOrderToJson(const SortOrder& order) {
  Json fields = Json::array();
  for (const SortField& f : order.fields) {
    Json j = Json::object();
    j["transform"] = f.transform.ToString();
    if (f.source_ids.size() > 1) {
      j["source-ids"] = f.source_ids;
    } else {
      j["source-id"] = f.source_id;
    }
    j["direction"] = f.direction == SortDirection::kAsc ? "asc" : "desc";
    j["null-order"] = f.null_order == NullOrder::kNullsFirst ? "nulls-first" : "nulls-last";
    fields.push_back(std::move(j));
  }
  return Json{{"order-id", order.order_id}, {"fields", std::move(fields)}};
}

Result<SortOrder> SortOrderFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  SortOrder order;
  FLOE_ASSIGN_OR_RETURN(order.order_id, internal::RequiredInt(j, "order-id", path));
  FLOE_ASSIGN_OR_RETURN(const Json* fields, internal::RequiredMember(j, "fields", path));
  std::string fields_path = internal::JoinPath(path, "fields");
  FLOE_RETURN_IF_ERROR(internal::ExpectArray(*fields, fields_path));
  for (size_t i = 0; i < fields->size(); ++i) {
    std::string p = internal::IndexPath(fields_path, i);
    const Json& f = (*fields)[i];
    FLOE_RETURN_IF_ERROR(internal::ExpectObject(f, p));
    SortField sf;
    FLOE_ASSIGN_OR_RETURN(std::string transform, internal::RequiredString(f, "transform", p));
    auto t = Transform::Parse(transform);
    if (!t.ok()) return t.status().WithContext(internal::JoinPath(p, "transform"));
    sf.transform = std::move(t).value();
    if (const Json* ids = internal::Find(f, "source-ids")) {
      std::string ids_path = internal::JoinPath(p, "source-ids");
      FLOE_RETURN_IF_ERROR(internal::ExpectArray(*ids, ids_path));
      for (size_t k = 0; k < ids->size(); ++k) {
        FLOE_ASSIGN_OR_RETURN(int32_t id,
                              internal::AsInt((*ids)[k], internal::IndexPath(ids_path, k)));
        sf.source_ids.push_back(id);
      }
      if (sf.source_ids.empty()) return Status::InvalidArgument("{}: empty", ids_path);
      sf.source_id = sf.source_ids[0];
      if (sf.source_ids.size() == 1) sf.source_ids.clear();
    } else {
      FLOE_ASSIGN_OR_RETURN(sf.source_id, internal::RequiredInt(f, "source-id", p));
    }
    FLOE_ASSIGN_OR_RETURN(std::string dir, internal::RequiredString(f, "direction", p));
    if (dir == "asc") {
      sf.direction = SortDirection::kAsc;
    } else if (dir == "desc") {
      sf.direction = SortDirection::kDesc;
    } else {
      return Status::InvalidArgument("{}: unknown direction '{}'",
                                     internal::JoinPath(p, "direction"), dir);
    }
    FLOE_ASSIGN_OR_RETURN(std::string nulls, internal::RequiredString(f, "null-order", p));
    if (nulls == "nulls-first") {
      sf.null_order = NullOrder::kNullsFirst;
    } else if (nulls == "nulls-last") {
      sf.null_order = NullOrder::kNullsLast;
    } else {
      return Status::InvalidArgument("{}: unknown null order '{}'",
                                     internal::JoinPath(p, "null-order"), nulls);
    }
    order.fields.push_back(std::move(sf));
  }
  return order;
}

}  // namespace floe::iceberg
