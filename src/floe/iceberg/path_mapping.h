// PathMapping: rewrites the paths a table records (metadata, manifest lists, manifests,
// data files, and the file_path column of positional delete files) onto where the files
// lie now, for tables opened outside their recorded location (`--map-prefix FROM=TO`).
//
// A plain value; const methods are thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floe/common/status.h"

namespace floe::iceberg {

class PathMapping {
 public:
  PathMapping() = default;

  // Adds a rule: a path starting with `from` has that prefix replaced by `to`. The longest
  // matching `from` wins. Trailing '/' on both sides are normalised so "a/b" maps "a/b/c"
  // but not "a/bc".
  void Add(std::string from, std::string to);
  // Parses "FROM=TO" (the CLI form). InvalidArgument without '=' or with an empty FROM.
  Status AddRule(std::string_view rule);

  // The path with the longest matching rule applied; unchanged when none matches.
  std::string Map(std::string_view path) const;
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> rules_;  // longest `from` first
};

}  // namespace floe::iceberg
