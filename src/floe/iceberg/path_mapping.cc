#include "floe/iceberg/path_mapping.h"

#include <algorithm>

namespace floe::iceberg {
namespace {
void TrimSlashes(std::string* s) {
  while (s->size() > 1 && s->back() == '/') s->pop_back();
}
}  // namespace

void PathMapping::Add(std::string from, std::string to) {
  TrimSlashes(&from);
  TrimSlashes(&to);
  rules_.emplace_back(std::move(from), std::move(to));
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

Status PathMapping::AddRule(std::string_view rule) {
  size_t eq = rule.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument("prefix mapping '{}': expected FROM=TO", rule);
  }
  Add(std::string(rule.substr(0, eq)), std::string(rule.substr(eq + 1)));
  return Status::OK();
}

std::string PathMapping::Map(std::string_view path) const {
  for (const auto& [from, to] : rules_) {
    if (!path.starts_with(from)) continue;
    std::string_view rest = path.substr(from.size());
    // Match whole path components only.
    if (!rest.empty() && rest.front() != '/' && from.back() != '/') continue;
    return to + std::string(rest);
  }
  return std::string(path);
}

}  // namespace floe::iceberg
