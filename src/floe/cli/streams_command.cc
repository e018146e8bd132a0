// `floe streams status|flush`: talk to a running `floe serve`.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "floe/cli/commands.h"

namespace floe::cli {

namespace {

struct StreamsFlags {
  std::string server = "http://127.0.0.1:8181";
  std::string token;  // default: $FLOE_TOKEN
  std::string stream;
};

Result<std::string> Call(const StreamsFlags& f, const std::string& method,
                         const std::string& path) {
  httplib::Client client(f.server);
  if (!client.is_valid()) return Status::InvalidArgument("--server '{}' is not a URL", f.server);
  client.set_read_timeout(std::chrono::minutes(10));
  httplib::Headers headers;
  std::string token = f.token;
  if (token.empty()) {
    if (const char* env = std::getenv("FLOE_TOKEN")) token = env;
  }
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result res = method == "GET" ? client.Get(path, headers)
                                        : client.Post(path, headers, "", "application/json");
  if (!res) {
    return Status::IOError("{} {}{}: {} (is `floe serve` running there?)", method, f.server, path,
                           httplib::to_string(res.error()));
  }
  if (res->status != 200) {
    std::string message = res->body;
    try {
      message = nlohmann::json::parse(res->body).value("error", res->body);
    } catch (const std::exception&) {
    }
    return Status::IOError("{} {}{}: HTTP {}: {}", method, f.server, path, res->status, message);
  }
  return res->body;
}

Status PrintStatus(const StreamsFlags& f) {
  FLOE_ASSIGN_OR_RETURN(std::string body, Call(f, "GET", "/v1/streams"));
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  std::printf("%s\n", j.is_discarded() ? body.c_str() : j.dump(2).c_str());
  return Status::OK();
}

Status Flush(const StreamsFlags& f) {
  const std::string path = f.stream.empty() ? "/v1/flush" : "/v1/streams/" + f.stream + "/flush";
  FLOE_ASSIGN_OR_RETURN(std::string body, Call(f, "POST", path));
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  std::printf("%s\n", j.is_discarded() ? body.c_str() : j.dump(2).c_str());
  return Status::OK();
}

}  // namespace

void AddStreamsCommands(CLI::App& app, Action& action) {
  auto* group = app.add_subcommand("streams", "Status and flushing of a running `floe serve`");
  group->require_subcommand(1);
  auto f = std::make_shared<StreamsFlags>();
  auto common = [f](CLI::App* cmd) {
    cmd->add_option("--server", f->server, "Base URL of the server")->capture_default_str();
    cmd->add_option("--token", f->token, "Bearer token (default: $FLOE_TOKEN)");
  };
  auto* status = group->add_subcommand("status", "Print streams, sinks and the log as JSON");
  common(status);
  status->callback([&action, f] { action = [f] { return ReportStatus(PrintStatus(*f)); }; });
  auto* flush = group->add_subcommand(
      "flush",
      "Commit everything acknowledged on STREAM (every stream if omitted); returns "
      "once committed");
  common(flush);
  flush->add_option("stream", f->stream, "Stream name");
  flush->callback([&action, f] { action = [f] { return ReportStatus(Flush(*f)); }; });
}

}  // namespace floe::cli
