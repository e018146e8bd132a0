// Errors as values. Every fallible floe API returns Status or Result<T>;
// exceptions never cross a floe API (third-party code that throws is wrapped
// at its adapter). OK costs one null pointer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace floe {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong (bad flag, bad schema, bad value)
  kNotFound,           // a file, object, table or key does not exist
  kAlreadyExists,      // create-if-absent found something
  kCorruption,         // stored bytes break their format (bad footer, CRC mismatch, truncation)
  kIOError,            // the OS or a remote store failed
  kNotSupported,       // valid but not implemented (an unknown codec, encryption)
  kCommitConflict,     // an optimistic commit lost a race
  kResourceExhausted,  // a limit was reached (memory, size, throttling)
  kInternal,           // a bug in floe
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, bool retryable = false);

  static Status OK() { return Status(); }
  template <typename... Args>
  static Status InvalidArgument(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kInvalidArgument, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status NotFound(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kNotFound, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status AlreadyExists(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kAlreadyExists, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Corruption(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kCorruption, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status IOError(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kIOError, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status NotSupported(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kNotSupported, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status CommitConflict(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kCommitConflict, fmt::format(f, std::forward<Args>(args)...),
                  /*retryable=*/true);
  }
  template <typename... Args>
  static Status ResourceExhausted(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kResourceExhausted, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Internal(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusCode::kInternal, fmt::format(f, std::forward<Args>(args)...));
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  // True when repeating the same operation may succeed (throttling, 5xx, lost commit race).
  bool retryable() const { return state_ && state_->retryable; }
  // Extra detail for remote errors (e.g. an S3 error code and request id); empty otherwise.
  const std::string& detail() const;

  Status WithRetryable(bool retryable) const;
  Status WithDetail(std::string detail) const;
  // Returns a copy whose message is "<context>: <message>". OK stays OK.
  Status WithContext(std::string_view context) const;

  bool Is(StatusCode c) const { return code() == c; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }

  // "Corruption: <message>", or "OK".
  std::string ToString() const;

 private:
  struct State {
    StatusCode code;
    std::string message;
    bool retryable;
    std::string detail;
  };
  std::shared_ptr<const State> state_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("Result constructed from OK status");
  }
  template <typename U>
  requires(std::is_convertible_v<U&&, T> && !std::is_same_v<std::decay_t<U>, Status> &&
           !std::is_same_v<std::decay_t<U>, T>) Result(U&& value)
      : v_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T ValueOr(T fallback) const& { return ok() ? value() : fallback; }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline const Status& ToStatus(const Status& s) { return s; }
template <typename T>
const Status& ToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace floe

#define FLOE_CONCAT_IMPL(a, b) a##b
#define FLOE_CONCAT(a, b) FLOE_CONCAT_IMPL(a, b)

// Returns the Status of `expr` (a Status or Result) from the enclosing function when not OK.
#define FLOE_RETURN_IF_ERROR(expr)                                 \
  do {                                                             \
    auto&& _floe_s = (expr);                                       \
    if (!_floe_s.ok()) return ::floe::internal::ToStatus(_floe_s); \
  } while (0)

#define FLOE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

// `FLOE_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its error.
#define FLOE_ASSIGN_OR_RETURN(lhs, rexpr) \
  FLOE_ASSIGN_OR_RETURN_IMPL(FLOE_CONCAT(_floe_r_, __LINE__), lhs, rexpr)
