#include "floe/iceberg/partition_spec.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsInteger(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// One partition term: "col", "day(ts)", "days(ts)", "bucket(16, id)", "truncate(id, 4)".
Status AddPartitionTerm(std::string_view term, const Schema& schema, PartitionSpec* spec) {
  term = Trim(term);
  std::string func = "identity";
  std::string column;
  std::string param;
  const size_t open = term.find('(');
  if (open == std::string_view::npos) {
    column = std::string(term);
  } else {
    if (term.back() != ')')
      return Status::InvalidArgument("partition term '{}': missing ')'", term);
    func = std::string(Trim(term.substr(0, open)));
    for (char& c : func) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (func == "years" || func == "months" || func == "days" || func == "hours") func.pop_back();
    std::string_view args = term.substr(open + 1, term.size() - open - 2);
    const size_t comma = args.find(',');
    if (comma == std::string_view::npos) {
      column = std::string(Trim(args));
    } else {
      std::string_view a = Trim(args.substr(0, comma));
      std::string_view b = Trim(args.substr(comma + 1));
      if (IsInteger(a)) {
        param = std::string(a);
        column = std::string(b);
      } else {
        param = std::string(b);
        column = std::string(a);
      }
      if (!IsInteger(param)) {
        return Status::InvalidArgument("partition term '{}': expected an integer parameter", term);
      }
    }
  }
  if (column.empty()) return Status::InvalidArgument("partition term '{}': no column", term);
  const NestedField* source = schema.FindByName(column);
  if (source == nullptr) {
    return Status::InvalidArgument("partition term '{}': no column '{}' in the schema", term,
                                   column);
  }
  const bool parameterized = func == "bucket" || func == "truncate";
  if (parameterized != !param.empty()) {
    return Status::InvalidArgument("partition term '{}': {} takes {}", term, func,
                                   parameterized ? "(N, column)" : "(column)");
  }
  FLOE_ASSIGN_OR_RETURN(Transform transform,
                        Transform::Parse(parameterized ? func + "[" + param + "]" : func));
  if (transform.kind() == TransformKind::kUnknown) {
    return Status::InvalidArgument("partition term '{}': unknown transform '{}'", term, func);
  }
  std::string name = column;
  if (func == "bucket") name += "_bucket";
  if (func == "truncate") name += "_trunc";
  if (func == "year" || func == "month" || func == "day" || func == "hour") name += "_" + func;
  if (func == "void") name += "_null";
  PartitionField field;
  field.source_id = source->id;
  field.field_id = kFirstPartitionFieldId + static_cast<int32_t>(spec->fields.size());
  field.name = std::move(name);
  field.transform = transform;
  spec->fields.push_back(std::move(field));
  return Status::OK();
}

}  // namespace

using internal::Json;

int32_t PartitionSpec::LastAssignedFieldId() const {
  int32_t last = kUnpartitionedLastAssignedId;
  for (const PartitionField& f : fields) last = std::max(last, f.field_id);
  return last;
}

Result<std::vector<NestedField>> PartitionSpec::PartitionType(const Schema& schema) const {
  std::vector<NestedField> out;
  out.reserve(fields.size());
  for (const PartitionField& f : fields) {
    TypePtr result;
    if (f.transform.kind() == TransformKind::kUnknown) {
      result = types::String();
    } else {
      const NestedField* src = schema.FindById(f.source_id);
      if (src == nullptr) {
        return Status::InvalidArgument("partition field '{}': source column {} not in schema {}",
                                       f.name, f.source_id, schema.schema_id());
      }
      auto r = f.transform.ResultType(src->type);
      if (!r.ok()) return r.status().WithContext(fmt::format("partition field '{}'", f.name));
      result = std::move(r).value();
    }
    out.push_back(
        NestedField{f.field_id, f.name, std::move(result), false, {}, std::nullopt, std::nullopt});
  }
  return out;
}

Result<std::string> PartitionSpec::PartitionPath(const Schema& schema,
                                                 const std::vector<Value>& tuple) const {
  if (tuple.size() != fields.size()) {
    return Status::InvalidArgument("partition tuple has {} values; spec {} has {} fields",
                                   tuple.size(), spec_id, fields.size());
  }
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    const PartitionField& f = fields[i];
    const NestedField* src = schema.FindById(f.source_id);
    if (src == nullptr) {
      return Status::InvalidArgument("partition field '{}': source column {} not in schema", f.name,
                                     f.source_id);
    }
    FLOE_ASSIGN_OR_RETURN(std::string human, f.transform.ToHumanString(*src->type, tuple[i]));
    if (i > 0) out += '/';
    out += UrlEncode(f.name);
    out += '=';
    out += UrlEncode(human);
  }
  return out;
}

Status PartitionSpec::Validate(const Schema& schema) const {
  std::unordered_set<int32_t> ids;
  std::unordered_set<std::string> names;
  for (const PartitionField& f : fields) {
    if (!ids.insert(f.field_id).second) {
      return Status::InvalidArgument("partition spec {}: duplicate field id {}", spec_id,
                                     f.field_id);
    }
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("partition spec {}: duplicate field name '{}'", spec_id,
                                     f.name);
    }
    if (f.transform.kind() == TransformKind::kUnknown) continue;
    const NestedField* src = schema.FindById(f.source_id);
    if (src == nullptr) {
      return Status::InvalidArgument("partition spec {}: field '{}' source column {} not found",
                                     spec_id, f.name, f.source_id);
    }
    if (!f.transform.CanTransform(*src->type) || !src->type->IsPrimitive()) {
      return Status::InvalidArgument("partition spec {}: transform {} cannot apply to {} ({})",
                                     spec_id, f.transform.ToString(), schema.NameOf(f.source_id),
                                     src->type->ToString());
    }
  }
  return Status::OK();
}

Json PartitionFieldsToJson(const std::vector<PartitionField>& fields) {
  Json arr = Json::array();
  for (const PartitionField& f : fields) {
    Json j = Json::object();
    if (f.source_ids.size() > 1) {
      j["source-ids"] = f.source_ids;
    } else {
      j["source-id"] = f.source_id;
    }
    j["field-id"] = f.field_id;
    j["name"] = f.name;
    j["transform"] = f.transform.ToString();
    arr.push_back(std::move(j));
  }
  return arr;
}

Json PartitionSpecToJson(const PartitionSpec& spec) {
  return Json{{"spec-id", spec.spec_id}, {"fields", PartitionFieldsToJson(spec.fields)}};
}

Result<std::vector<PartitionField>> PartitionFieldsFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectArray(j, path));
  std::vector<PartitionField> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = internal::IndexPath(path, i);
    const Json& f = j[i];
    FLOE_RETURN_IF_ERROR(internal::ExpectObject(f, p));
    PartitionField pf;
    if (const Json* ids = internal::Find(f, "source-ids")) {
      std::string ids_path = internal::JoinPath(p, "source-ids");
      FLOE_RETURN_IF_ERROR(internal::ExpectArray(*ids, ids_path));
      for (size_t k = 0; k < ids->size(); ++k) {
        FLOE_ASSIGN_OR_RETURN(int32_t id,
                              internal::AsInt((*ids)[k], internal::IndexPath(ids_path, k)));
        pf.source_ids.push_back(id);
      }
      if (pf.source_ids.empty()) return Status::InvalidArgument("{}: empty", ids_path);
      pf.source_id = pf.source_ids[0];
      if (pf.source_ids.size() == 1) pf.source_ids.clear();
    } else {
      FLOE_ASSIGN_OR_RETURN(pf.source_id, internal::RequiredInt(f, "source-id", p));
    }
    FLOE_ASSIGN_OR_RETURN(auto field_id, internal::OptionalInt(f, "field-id", p));
    pf.field_id = field_id.value_or(kFirstPartitionFieldId + static_cast<int32_t>(i));
    FLOE_ASSIGN_OR_RETURN(pf.name, internal::RequiredString(f, "name", p));
    FLOE_ASSIGN_OR_RETURN(std::string transform, internal::RequiredString(f, "transform", p));
    auto t = Transform::Parse(transform);
    if (!t.ok()) return t.status().WithContext(internal::JoinPath(p, "transform"));
    pf.transform = std::move(t).value();
    out.push_back(std::move(pf));
  }
  return out;
}

Result<PartitionSpec> PartitionSpecFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  PartitionSpec spec;
  FLOE_ASSIGN_OR_RETURN(spec.spec_id, internal::RequiredInt(j, "spec-id", path));
  FLOE_ASSIGN_OR_RETURN(const Json* fields, internal::RequiredMember(j, "fields", path));
  FLOE_ASSIGN_OR_RETURN(spec.fields,
                        PartitionFieldsFromJson(*fields, internal::JoinPath(path, "fields")));
  return spec;
}

std::vector<std::string_view> SplitPartitionTerms(std::string_view text) {
  std::vector<std::string_view> terms;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      const std::string_view term = Trim(text.substr(start, i - start));
      if (!term.empty()) terms.push_back(term);
      start = i + 1;
    }
  }
  return terms;
}

Result<PartitionSpec> ParsePartitionSpecText(std::string_view text, const Schema& schema) {
  PartitionSpec spec;
  for (const std::string_view term : SplitPartitionTerms(text)) {
    FLOE_RETURN_IF_ERROR(AddPartitionTerm(term, schema, &spec));
  }
  FLOE_RETURN_IF_ERROR(spec.Validate(schema));
  return spec;
}

}  // namespace floe::iceberg
