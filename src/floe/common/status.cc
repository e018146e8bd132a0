#include "floe/common/status.h"

namespace floe {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "Invalid argument";
    case StatusCode::kNotFound:
      return "Not found";
    case StatusCode::kAlreadyExists:
      return "Already exists";
    case StatusCode::kCorruption:
      return "Corruption";
    case StatusCode::kIOError:
      return "IO error";
    case StatusCode::kNotSupported:
      return "Not supported";
    case StatusCode::kCommitConflict:
      return "Commit conflict";
    case StatusCode::kResourceExhausted:
      return "Resource exhausted";
    case StatusCode::kInternal:
      return "Internal error";
  }
  return "Unknown";
}

Status::Status(StatusCode code, std::string message, bool retryable) {
  if (code != StatusCode::kOk) {
    state_ = std::make_shared<const State>(State{code, std::move(message), retryable, {}});
  }
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

const std::string& Status::detail() const {
  static const std::string kEmpty;
  return state_ ? state_->detail : kEmpty;
}

Status Status::WithRetryable(bool retryable) const {
  if (ok()) return *this;
  Status s;
  s.state_ = std::make_shared<const State>(State{code(), message(), retryable, detail()});
  return s;
}

Status Status::WithDetail(std::string d) const {
  if (ok()) return *this;
  Status s;
  s.state_ = std::make_shared<const State>(State{code(), message(), retryable(), std::move(d)});
  return s;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status s;
  s.state_ = std::make_shared<const State>(
      State{code(), fmt::format("{}: {}", context, message()), retryable(), detail()});
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = fmt::format("{}: {}", StatusCodeName(code()), message());
  if (!detail().empty()) out += fmt::format(" ({})", detail());
  return out;
}

}  // namespace floe
