#include "floe/server/http_server.h"

#include <csignal>
#include <cstdio>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "floe/common/version.h"

namespace floe::server {

namespace {
httplib::Server* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->stop();
}
}  // namespace

Status Serve(const ServerOptions& options) {
  httplib::Server server;
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server.Get("/version", [](const httplib::Request&, httplib::Response& res) {
    nlohmann::json j = {{"name", "floe"}, {"version", kVersion}};
    res.set_content(j.dump(), "application/json");
  });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json j = {{"error", res.status == 404 ? "no such endpoint" : "request failed"},
                        {"path", req.path}};
    res.set_content(j.dump(), "application/json");
  });
  if (!server.bind_to_port(options.host, options.port)) {
    return Status::IOError("cannot listen on {}:{} (in use, or not an address of this machine)",
                           options.host, options.port);
  }
  g_server = &server;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::printf("floe %s listening on http://%s:%d (warehouse %s)\n", kVersion, options.host.c_str(),
              options.port, options.warehouse.c_str());
  std::printf("  health:  curl http://%s:%d/healthz\n", options.host.c_str(), options.port);
  std::fflush(stdout);
  const bool ok = server.listen_after_bind();
  g_server = nullptr;
  if (!ok) return Status::IOError("the HTTP server on {}:{} stopped", options.host, options.port);
  return Status::OK();
}

}  // namespace floe::server
