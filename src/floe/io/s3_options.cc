#include "floe/io/s3_options.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#if __has_include(<toml++/toml.hpp>)
#include <toml++/toml.hpp>
#else
#include <toml++/toml.h>
#endif

namespace floe::io {
namespace {

constexpr uint64_t kMinPartSize = 5ull << 20;
constexpr uint64_t kMaxPartSize = 5ull << 30;
constexpr size_t kMaxAwsFileBytes = 1 << 20;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// section -> key -> value of an AWS-style INI file; empty when it cannot be read.
using Ini = std::map<std::string, std::map<std::string, std::string>>;

Result<Ini> ReadIni(const std::string& path) {
  Ini ini;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ini;
  std::string text(kMaxAwsFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxAwsFileBytes) {
    return Status::InvalidArgument("{}: larger than {} bytes", path, kMaxAwsFileBytes);
  }
  std::string section;
  std::istringstream lines(text);
  std::string raw;
  while (std::getline(lines, raw)) {
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(Trim(line.substr(1, line.size() - 2)));
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    ini[section][std::string(Trim(line.substr(0, eq)))] = std::string(Trim(line.substr(eq + 1)));
  }
  return ini;
}

std::string HomeFile(const char* env, const char* rel) {
  std::string p = Env(env);
  if (!p.empty()) return p;
  const std::string home = Env("HOME");
  return home.empty() ? std::string() : home + "/" + rel;
}

void ApplyCredentialKeys(const std::map<std::string, std::string>& kv, S3Options& opts) {
  auto id = kv.find("aws_access_key_id");
  auto secret = kv.find("aws_secret_access_key");
  if (id == kv.end() || secret == kv.end()) return;
  opts.credentials.access_key_id = id->second;
  opts.credentials.secret_access_key = secret->second;
  auto token = kv.find("aws_session_token");
  opts.credentials.session_token = token == kv.end() ? "" : token->second;
}

}  // namespace

bool IsIpOrLocalhost(std::string_view host) {
  if (host == "localhost" || host.ends_with(".localhost")) return true;
  std::string h(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  unsigned char buf[16];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

Status ApplyAwsProfile(std::string_view profile, S3Options& opts) {
  const std::string name = profile.empty() ? "default" : std::string(profile);
  const std::string config_path = HomeFile("AWS_CONFIG_FILE", ".aws/config");
  if (!config_path.empty()) {
    FLOE_ASSIGN_OR_RETURN(Ini config, ReadIni(config_path));
    auto it = config.find(name == "default" ? name : "profile " + name);
    if (it != config.end()) {
      auto region = it->second.find("region");
      if (region != it->second.end()) opts.region = region->second;
      auto endpoint = it->second.find("endpoint_url");
      if (endpoint != it->second.end()) opts.endpoint = endpoint->second;
      ApplyCredentialKeys(it->second, opts);
    }
  }
  const std::string cred_path = HomeFile("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  if (!cred_path.empty()) {
    FLOE_ASSIGN_OR_RETURN(Ini creds, ReadIni(cred_path));
    auto it = creds.find(name);
    if (it != creds.end()) ApplyCredentialKeys(it->second, opts);
  }
  return Status::OK();
}

Result<S3Options> S3OptionsFromEnvironment() {
  S3Options opts;
  FLOE_RETURN_IF_ERROR(ApplyAwsProfile(Env("AWS_PROFILE"), opts));
  if (std::string r = Env("AWS_REGION"); !r.empty()) {
    opts.region = r;
  } else if (std::string d = Env("AWS_DEFAULT_REGION"); !d.empty()) {
    opts.region = d;
  }
  if (std::string e = Env("AWS_ENDPOINT_URL_S3"); !e.empty()) {
    opts.endpoint = e;
  } else if (std::string g = Env("AWS_ENDPOINT_URL"); !g.empty()) {
    opts.endpoint = g;
  }
  const std::string id = Env("AWS_ACCESS_KEY_ID");
  if (!id.empty()) {
    const std::string secret = Env("AWS_SECRET_ACCESS_KEY");
    if (secret.empty()) {
      return Status::InvalidArgument("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    opts.credentials = {id, secret, Env("AWS_SESSION_TOKEN")};
  }
  return opts;
}

Status ApplyS3Config(std::string_view toml_text, std::string_view source, S3Options& opts) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("{}: line {}: {}", source, e.source().begin.line,
                                   std::string(e.description()));
  }
  const toml::table* s3 = doc["storage"]["s3"].as_table();
  if (s3 == nullptr) return Status::OK();
  auto where = [&](std::string_view key) {
    return fmt::format("{}: [storage.s3] {}", source, key);
  };
  auto get_string = [&](std::string_view key, const toml::node& n) -> Result<std::string> {
    if (auto v = n.value<std::string>()) return *v;
    return Status::InvalidArgument("{} must be a string", where(key));
  };
  auto get_int = [&](std::string_view key, const toml::node& n, int64_t lo,
                     int64_t hi) -> Result<int64_t> {
    auto v = n.value<int64_t>();
    if (!v) return Status::InvalidArgument("{} must be an integer", where(key));
    if (*v < lo || *v > hi) {
      return Status::InvalidArgument("{} = {} is outside [{}, {}]", where(key), *v, lo, hi);
    }
    return *v;
  };
  auto get_bool = [&](std::string_view key, const toml::node& n) -> Result<bool> {
    if (auto v = n.value<bool>()) return *v;
    return Status::InvalidArgument("{} must be true or false", where(key));
  };
  if (const toml::node* p = s3->get("profile")) {
    FLOE_ASSIGN_OR_RETURN(std::string profile, get_string("profile", *p));
    FLOE_RETURN_IF_ERROR(ApplyAwsProfile(profile, opts));
  }
  for (const auto& [k, node] : *s3) {
    const std::string_view key = k.str();
    if (key == "profile") continue;
    if (key == "endpoint") {
      FLOE_ASSIGN_OR_RETURN(opts.endpoint, get_string(key, node));
    } else if (key == "region") {
      FLOE_ASSIGN_OR_RETURN(opts.region, get_string(key, node));
    } else if (key == "addressing") {
      FLOE_ASSIGN_OR_RETURN(std::string v, get_string(key, node));
      if (v == "auto") {
        opts.addressing = S3Addressing::kAuto;
      } else if (v == "path") {
        opts.addressing = S3Addressing::kPath;
      } else if (v == "virtual") {
        opts.addressing = S3Addressing::kVirtualHost;
      } else {
        return Status::InvalidArgument("{} = '{}': use auto, path or virtual", where(key), v);
      }
    } else if (key == "access_key_id") {
      FLOE_ASSIGN_OR_RETURN(opts.credentials.access_key_id, get_string(key, node));
    } else if (key == "secret_access_key") {
      FLOE_ASSIGN_OR_RETURN(opts.credentials.secret_access_key, get_string(key, node));
    } else if (key == "session_token") {
      FLOE_ASSIGN_OR_RETURN(opts.credentials.session_token, get_string(key, node));
    } else if (key == "payload_signing") {
      FLOE_ASSIGN_OR_RETURN(std::string v, get_string(key, node));
      if (v == "auto") {
        opts.payload_signing = PayloadSigning::kAuto;
      } else if (v == "always") {
        opts.payload_signing = PayloadSigning::kAlways;
      } else if (v == "unsigned") {
        opts.payload_signing = PayloadSigning::kUnsigned;
      } else {
        return Status::InvalidArgument("{} = '{}': use auto, always or unsigned", where(key), v);
      }
    } else if (key == "part_size") {
      FLOE_ASSIGN_OR_RETURN(int64_t v, get_int(key, node, static_cast<int64_t>(kMinPartSize),
                                               static_cast<int64_t>(kMaxPartSize)));
      opts.part_size = static_cast<uint64_t>(v);
    } else if (key == "upload_concurrency") {
      FLOE_ASSIGN_OR_RETURN(int64_t v, get_int(key, node, 1, 64));
      opts.upload_concurrency = static_cast<int>(v);
    } else if (key == "read_concurrency") {
      FLOE_ASSIGN_OR_RETURN(int64_t v, get_int(key, node, 1, 256));
      opts.read_concurrency = static_cast<int>(v);
    } else if (key == "conditional_put") {
      FLOE_ASSIGN_OR_RETURN(opts.conditional_put, get_bool(key, node));
    } else if (key == "max_attempts") {
      FLOE_ASSIGN_OR_RETURN(int64_t v, get_int(key, node, 1, 100));
      opts.retry.max_attempts = static_cast<int>(v);
    } else if (key == "initial_backoff_ms") {
      FLOE_ASSIGN_OR_RETURN(opts.retry.initial_backoff_ms, get_int(key, node, 0, 600000));
    } else if (key == "max_backoff_ms") {
      FLOE_ASSIGN_OR_RETURN(opts.retry.max_backoff_ms, get_int(key, node, 0, 600000));
    } else if (key == "connect_timeout_ms") {
      FLOE_ASSIGN_OR_RETURN(opts.http.connect_timeout_ms, get_int(key, node, 1, 600000));
    } else if (key == "request_timeout_ms") {
      FLOE_ASSIGN_OR_RETURN(opts.http.request_timeout_ms, get_int(key, node, 0, 86400000));
    } else if (key == "verify_tls") {
      FLOE_ASSIGN_OR_RETURN(opts.http.verify_tls, get_bool(key, node));
    } else if (key == "ca_file") {
      FLOE_ASSIGN_OR_RETURN(opts.http.ca_file, get_string(key, node));
    } else {
      return Status::InvalidArgument("{}: unknown key", where(key));
    }
  }
  if (opts.credentials.access_key_id.empty() != opts.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("{}: access_key_id and secret_access_key go together",
                                   where("credentials"));
  }
  return Status::OK();
}

Result<S3Options> LoadS3Options(const std::string& config_path) {
  FLOE_ASSIGN_OR_RETURN(S3Options opts, S3OptionsFromEnvironment());
  if (config_path.empty()) return opts;
  std::ifstream in(config_path, std::ios::binary);
  if (!in) return Status::NotFound("{}: cannot open the config file", config_path);
  std::stringstream text;
  text << in.rdbuf();
  FLOE_RETURN_IF_ERROR(ApplyS3Config(text.str(), config_path, opts));
  return opts;
}

}  // namespace floe::io
