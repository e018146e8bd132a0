// Buffer: a growable, 64-byte-aligned byte buffer whose growth does not zero memory.
// The hot paths of the encoders, decoders and columns build on it instead of
// std::vector, which zero-fills on resize. Move-only; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>

namespace floe {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t size) { Resize(size); }
  ~Buffer() { Free(); }
  Buffer(Buffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      Free();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer Clone() const {
    Buffer b;
    b.Append(data_, size_);
    return b;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }

  // Grows capacity to at least n bytes (amortized doubling).
  void Reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  // Sets the size; new bytes are uninitialized.
  void Resize(size_t n) {
    Reserve(n);
    size_ = n;
  }
  // Sets the size; new bytes are zero.
  void ResizeZeroed(size_t n) {
    const size_t old = size_;
    Resize(n);
    if (n > old) std::memset(data_ + old, 0, n - old);
  }
  void Clear() { size_ = 0; }

  void Append(const void* p, size_t n) {
    if (n == 0) return;
    Reserve(size_ + n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  template <typename T>
  void Push(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Reserve(size_ + sizeof(T));
    std::memcpy(data_ + size_, &v, sizeof(T));
    size_ += sizeof(T);
  }

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }
  // The contents as a span of T (size() / sizeof(T) elements).
  template <typename T>
  std::span<const T> span() const {
    return {as<T>(), size_ / sizeof(T)};
  }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  void Grow(size_t n);
  void Free();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace floe
