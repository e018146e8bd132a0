#include "floe/common/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace floe {

namespace {
constexpr size_t kAlignment = 64;
}

void Buffer::Grow(size_t n) {
  size_t cap = std::max<size_t>({n, capacity_ * 2, 64});
  cap = (cap + kAlignment - 1) / kAlignment * kAlignment;
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, cap));
  if (p == nullptr) throw std::bad_alloc();
  if (size_ > 0) std::memcpy(p, data_, size_);
  std::free(data_);
  data_ = p;
  capacity_ = cap;
}

void Buffer::Free() {
  std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
}

}  // namespace floe
