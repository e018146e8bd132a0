#include "floe/iceberg/catalog.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace floe::iceberg {

std::string NamespaceToString(const Namespace& ns) {
  std::string out;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i > 0) out.push_back('.');
    out += ns[i];
  }
  return out;
}

Result<Namespace> ParseNamespace(std::string_view text) {
  Namespace ns;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    std::string_view level = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (level.empty()) return Status::InvalidArgument("namespace '{}': empty level", text);
    ns.emplace_back(level);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return ns;
}

std::string TableIdentifier::ToString() const {
  return ns.empty() ? name : NamespaceToString(ns) + "." + name;
}

Result<TableIdentifier> TableIdentifier::Parse(std::string_view text) {
  const size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == text.size()) {
    return Status::InvalidArgument("table '{}': expected NAMESPACE.TABLE", text);
  }
  TableIdentifier id;
  FLOE_ASSIGN_OR_RETURN(id.ns, ParseNamespace(text.substr(0, dot)));
  id.name = std::string(text.substr(dot + 1));
  return id;
}

std::vector<TableUpdate> CreateTableUpdates(const CreateTableRequest& request,
                                            const std::string& location) {
  std::vector<TableUpdate> u;
  u.push_back(AssignUuid{NewUuid()});
  u.push_back(UpgradeFormatVersion{request.format_version});
  u.push_back(AddSchema{request.schema, request.schema.HighestFieldId()});
  u.push_back(SetCurrentSchema{kLastAdded});
  u.push_back(AddSpec{request.spec});
  u.push_back(SetDefaultSpec{kLastAdded});
  u.push_back(AddSortOrder{request.sort_order});
  u.push_back(SetDefaultSortOrder{kLastAdded});
  u.push_back(SetLocation{location});
  if (!request.properties.empty()) u.push_back(SetProperties{request.properties});
  return u;
}

Result<LoadedTable> CommitWithRetry(Catalog& catalog, const TableIdentifier& id,
                                    const BuildCommit& build, const CommitRetryOptions& options) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.total_timeout_ms);
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t backoff = std::max<int64_t>(1, options.initial_backoff_ms);
  Status last;
  for (int attempt = 0; attempt < std::max(1, options.max_attempts); ++attempt) {
    if (attempt > 0) {
      const int64_t sleep_ms =
          backoff / 2 + static_cast<int64_t>(rng() % static_cast<uint64_t>(backoff / 2 + 1));
      if (std::chrono::steady_clock::now() + std::chrono::milliseconds(sleep_ms) > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      backoff = std::min(backoff * 2, std::max<int64_t>(1, options.max_backoff_ms));
    }
    FLOE_ASSIGN_OR_RETURN(LoadedTable current, catalog.LoadTable(id));
    FLOE_ASSIGN_OR_RETURN(TableCommit commit, build(current));
    if (commit.already_applied) return current;
    Result<LoadedTable> r = catalog.CommitTable(id, commit.requirements, commit.updates);
    if (r.ok() || !(r.status().Is(StatusCode::kCommitConflict) || r.status().retryable())) {
      return r;
    }
    last = r.status();
  }
  return last.WithContext(fmt::format("commit to {} gave up after retries", id.ToString()));
}

}  // namespace floe::iceberg
