#include "floe/server/http_server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "floe/common/version.h"
#include "floe/ingest/service.h"

namespace floe::server {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Compares without an early exit, so response times do not reveal how much of a token
// matched.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void Reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void ReplyError(httplib::Response& res, int status, std::string message) {
  Reply(res, status,
        {{"error", std::move(message)}, {"accepted", 0}, {"rejected", nlohmann::json::array()}});
}

class Routes {
 public:
  Routes(const ingest::IngestConfig& config, ingest::IngestService& service)
      : config_(config), service_(service) {}

  void Install(httplib::Server& server) {
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      Reply(res, 200, {{"status", "ok"}});
    });
    server.Get("/version", [](const httplib::Request&, httplib::Response& res) {
      Reply(res, 200, {{"name", "floe"}, {"version", kVersion}});
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(service_.Metrics(), "text/plain; version=0.0.4");
    });
    server.Get("/v1/streams", [this](const httplib::Request& req, httplib::Response& res) {
      if (!Authorize(req, res, "")) return;
      Reply(res, 200, service_.StatusJson());
    });
    // Flush takes no body. Content-reader handlers do not wait for one, so a bare
    // `curl -X POST` (no Content-Length) is answered at once.
    server.Post("/v1/flush", [this](const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader&) {
      if (!Authorize(req, res, "*")) return;
      Flush("", res);
    });
    server.Post(
        R"(/v1/streams/([^/]+)/flush)",
        [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
          const std::string stream = req.matches[1];
          if (!Authorize(req, res, stream)) return;
          Flush(stream, res);
        });
    server.Post(R"(/v1/streams/([^/]+)/events)",
                [this](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader) { Events(req, res, reader); });
  }

 private:
  // Checks the bearer token against `stream` ("" any valid token, "*" a token for every
  // stream). Without configured tokens every request passes.
  bool Authorize(const httplib::Request& req, httplib::Response& res, std::string_view stream) {
    const auto& tokens = config_.server.tokens;
    if (tokens.empty()) return true;
    const std::string header = req.get_header_value("Authorization");
    static constexpr std::string_view kBearer = "bearer ";
    if (header.size() <= kBearer.size() || Lower(header.substr(0, kBearer.size())) != kBearer) {
      res.set_header("WWW-Authenticate", "Bearer");
      ReplyError(res, 401, "missing bearer token (Authorization: Bearer <token>)");
      return false;
    }
    const std::string_view presented = std::string_view(header).substr(kBearer.size());
    const ingest::TokenConfig* match = nullptr;
    for (const ingest::TokenConfig& t : tokens) {
      if (SameSecret(presented, t.token)) match = &t;
    }
    if (match == nullptr) {
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      ReplyError(res, 401, "unknown token");
      return false;
    }
    const bool allowed =
        stream.empty() || (stream == "*" ? std::find(match->streams.begin(), match->streams.end(),
                                                     "*") != match->streams.end()
                                         : match->Allows(stream));
    if (!allowed) {
      ReplyError(res, 403,
                 stream == "*"
                     ? std::string("this token may not flush every stream")
                     : "this token may not write to stream '" + std::string(stream) + "'");
      return false;
    }
    return true;
  }

  void Flush(const std::string& stream, httplib::Response& res) {
    Result<nlohmann::json> flushed = service_.Flush(stream);
    if (flushed.ok()) return Reply(res, 200, *flushed);
    ReplyError(res, flushed.status().IsNotFound() ? 404 : 500, flushed.status().message());
  }

  void Events(const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader& reader) {
    const std::string stream = req.matches[1];
    // Errors before the body is read close the connection: its unread body would
    // otherwise be taken for the next request.
    auto refuse = [&res](int status, std::string message) {
      res.set_header("Connection", "close");
      ReplyError(res, status, std::move(message));
    };
    if (!Authorize(req, res, stream)) {
      res.set_header("Connection", "close");
      return;
    }
    const std::string encoding = Lower(req.get_header_value("Content-Encoding"));
    if (!encoding.empty() && encoding != "gzip" && encoding != "identity") {
      return refuse(415, "unsupported Content-Encoding '" + encoding + "' (gzip or none)");
    }
    std::string type = Lower(req.get_header_value("Content-Type"));
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    enum class Framing { kJson, kNdjson, kSniff } framing;
    if (type == "application/json") {
      framing = Framing::kJson;
    } else if (type == "application/x-ndjson" || type == "application/ndjson" ||
               type == "application/jsonl" || type == "application/x-jsonlines" ||
               type == "application/jsonlines") {
      framing = Framing::kNdjson;
    } else if (type.empty() || type == "text/plain" ||
               type == "application/x-www-form-urlencoded") {
      // No type, or curl's default for -d: judged by the first byte.
      framing = Framing::kSniff;
    } else {
      return refuse(415, "unsupported Content-Type '" + type +
                             "' (application/json or application/x-ndjson)");
    }
    const size_t limit = static_cast<size_t>(config_.server.max_request_bytes);
    std::string body;
    bool too_large = false;
    const bool read = reader([&](const char* data, size_t length) {
      if (body.size() + length > limit) {
        too_large = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
    if (too_large || res.status == 413) {
      return refuse(413, fmt::format("request body over {} bytes{}", limit,
                                     encoding == "gzip" ? " once inflated" : ""));
    }
    if (!read) {
      return refuse(400, encoding == "gzip" ? "could not read the request body (bad gzip data?)"
                                            : "could not read the request body");
    }
    ingest::BodyFormat format = ingest::BodyFormat::kNdjson;
    if (framing == Framing::kJson) {
      format = ingest::BodyFormat::kJson;
    } else if (framing == Framing::kSniff) {
      const size_t first = body.find_first_not_of(" \t\r\n");
      if (first != std::string::npos && body[first] == '[') format = ingest::BodyFormat::kJson;
    }
    ingest::IngestReply reply = service_.Ingest(stream, body, format);
    if (reply.status == 429) {
      res.set_header("Retry-After", std::to_string(std::max<int64_t>(1, reply.retry_after)));
    }
    Reply(res, reply.status, reply.body);
  }

  const ingest::IngestConfig& config_;
  ingest::IngestService& service_;
};

}  // namespace

Status Serve(const ingest::IngestConfig& config) {
  // Signals are taken by one thread with sigwait, so every thread started from here on
  // (the service's workers, the HTTP pool) inherits them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<ingest::IngestService> service,
                        ingest::IngestService::Open(config));
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_payload_max_length(static_cast<size_t>(config.server.max_request_bytes));
  server.set_keep_alive_max_count(1000);
  // Headers and body go out in separate writes; without TCP_NODELAY the body waits for
  // the client's delayed ACK (about 40 ms per request on a kept-alive connection).
  server.set_tcp_nodelay(true);
  // The library listens with a backlog of 5; remember the socket to widen it after bind.
  int listen_fd = -1;
  server.set_socket_options([&listen_fd](int fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd = fd;
  });
  Routes routes(config, *service);
  routes.Install(server);
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 404   ? "no such endpoint"
                          : res.status == 413 ? "request body too large"
                          : res.status == 415 ? "unsupported Content-Encoding"
                                              : "request failed";
    ReplyError(res, res.status, message + " (" + req.method + " " + req.path + ")");
  });
  const std::string& host = config.server.host;
  const int port = config.server.port;
  if (!server.bind_to_port(host, port)) {
    (void)service->Shutdown();
    return Status::IOError("cannot listen on {}:{} (in use, or not an address of this machine)",
                           host, port);
  }
  if (listen_fd >= 0) ::listen(listen_fd, SOMAXCONN);  // many clients connecting at once
  std::atomic<bool> signaled{false};
  std::thread signal_thread([&server, &signaled, signals] {
    int received = 0;
    sigwait(&signals, &received);
    signaled = true;
    server.stop();
  });
  std::printf("floe %s listening on http://%s:%d (warehouse %s)\n", kVersion, host.c_str(), port,
              config.server.warehouse.c_str());
  for (const ingest::PipelineConfig& p : config.pipelines) {
    const ingest::SinkConfig* sink = config.FindSink(p.sink);
    std::printf(
        "  stream %-12s -> %s %s\n", p.stream.c_str(),
        sink->kind == ingest::SinkConfig::Kind::kTable ? "table" : "files",
        sink->kind == ingest::SinkConfig::Kind::kTable ? sink->table.c_str() : sink->uri.c_str());
  }
  if (!config.streams.empty()) {
    const std::string& s = config.streams.front().name;
    std::printf(
        "  send:    curl -X POST http://%s:%d/v1/streams/%s/events -H 'Content-Type: "
        "application/json' -d '{\"hello\": \"world\"}'\n",
        host.c_str(), port, s.c_str());
    std::printf("  flush:   curl -X POST http://%s:%d/v1/streams/%s/flush\n", host.c_str(), port,
                s.c_str());
  }
  std::printf("  health:  curl http://%s:%d/healthz\n", host.c_str(), port);
  std::fflush(stdout);
  const bool ok = server.listen_after_bind();
  // listen ended without a signal (an error): wake the signal thread so it can end.
  if (!signaled.load()) pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  Status stopped = service->Shutdown();
  if (!ok) return Status::IOError("the HTTP server on {}:{} stopped", host, port);
  return stopped;
}

}  // namespace floe::server
