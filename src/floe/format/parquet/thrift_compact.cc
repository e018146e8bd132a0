#include "floe/format/parquet/thrift_compact.h"

namespace floe::parquet::thrift {

void CompactReader::Fail(std::string_view what) {
  if (status_.ok()) {
    status_ = Status::Corruption("thrift compact: {} at offset {}", what, position());
  }
  pos_ = end_;
}

void CompactReader::FailMissingField(std::string_view struct_name, std::string_view field_name,
                                     int16_t field_id) {
  if (status_.ok()) {
    status_ =
        Status::Corruption("{}: required field '{}' (id {}) missing (struct ends at offset {})",
                           struct_name, field_name, field_id, position());
  }
  pos_ = end_;
}

void CompactReader::FailDepth() { Fail(fmt::format("nesting deeper than {}", max_depth_)); }

uint64_t CompactReader::ReadVarint64Slow() {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= end_) {
      Fail("truncated varint");
      return 0;
    }
    const uint8_t byte = *pos_++;
    // The 10th byte may only contribute the top bit.
    if (shift == 63 && byte > 1) {
      Fail("varint exceeds 64 bits");
      return 0;
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return result;
  }
  Fail("varint exceeds 64 bits");
  return 0;
}

namespace {

bool IsValidElementType(uint8_t t) {
  // Element types: 1 and 2 (bool, either spelling) up to 13 (uuid).
  return t >= 1 && t <= static_cast<uint8_t>(CompactType::kUuid);
}

}  // namespace

ListHeader CompactReader::ReadListHeader() {
  ListHeader h;
  if (++depth_ > max_depth_) {
    FailDepth();
    return h;
  }
  if (pos_ >= end_) {
    Fail("truncated list header");
    return h;
  }
  const uint8_t byte = *pos_++;
  uint32_t size = byte >> 4;
  if (size == 15) {
    const uint64_t v = ReadVarint64();
    if (!ok()) return h;
    if (v > INT32_MAX) {
      Fail("list size exceeds int32");
      return h;
    }
    size = static_cast<uint32_t>(v);
  }
  const uint8_t type = byte & 0x0f;
  if (size == 0) {
    h.element_type = IsValidElementType(type) ? static_cast<CompactType>(type) : CompactType::kStop;
    return h;
  }
  if (!IsValidElementType(type)) {
    Fail("invalid list element type");
    return h;
  }
  h.element_type = static_cast<CompactType>(type);
  if (static_cast<uint64_t>(size) * MinElementSize(h.element_type) > remaining()) {
    Fail(fmt::format("list of {} elements exceeds the {} remaining bytes", size, remaining()));
    return h;
  }
  h.size = size;
  return h;
}

MapHeader CompactReader::ReadMapHeader() {
  MapHeader h;
  if (++depth_ > max_depth_) {
    FailDepth();
    return h;
  }
  const uint64_t size = ReadVarint64();
  if (!ok() || size == 0) return h;
  if (size > INT32_MAX) {
    Fail("map size exceeds int32");
    return h;
  }
  if (pos_ >= end_) {
    Fail("truncated map header");
    return h;
  }
  const uint8_t types = *pos_++;
  const uint8_t kt = types >> 4;
  const uint8_t vt = types & 0x0f;
  if (!IsValidElementType(kt) || !IsValidElementType(vt)) {
    Fail("invalid map key or value type");
    return h;
  }
  h.key_type = static_cast<CompactType>(kt);
  h.value_type = static_cast<CompactType>(vt);
  const uint64_t min_entry = MinElementSize(h.key_type) + MinElementSize(h.value_type);
  if (size * min_entry > remaining()) {
    Fail(fmt::format("map of {} entries exceeds the {} remaining bytes", size, remaining()));
    return h;
  }
  h.size = static_cast<uint32_t>(size);
  return h;
}

void CompactReader::Skip(CompactType type) {
  if (IsBoolType(type)) return;  // the value lives in the field header
  SkipElement(type);
}

void CompactReader::SkipElement(CompactType type) {
  if (!ok()) return;
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
    case CompactType::kByte:
      ReadI8();
      return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      ReadVarint64();
      return;
    case CompactType::kDouble:
      if (remaining() < 8) return Fail("truncated double");
      pos_ += 8;
      return;
    case CompactType::kUuid:
      if (remaining() < 16) return Fail("truncated uuid");
      pos_ += 16;
      return;
    case CompactType::kBinary:
      ReadBinary();
      return;
    case CompactType::kList:
    case CompactType::kSet: {
      const ListHeader h = ReadListHeader();
      for (uint32_t i = 0; i < h.size && ok(); ++i) SkipElement(h.element_type);
      LeaveContainer();
      return;
    }
    case CompactType::kMap: {
      const MapHeader h = ReadMapHeader();
      for (uint32_t i = 0; i < h.size && ok(); ++i) {
        SkipElement(h.key_type);
        SkipElement(h.value_type);
      }
      LeaveContainer();
      return;
    }
    case CompactType::kStruct: {
      if (!EnterStruct()) return;
      int16_t last = 0;
      FieldHeader f;
      while (ReadFieldHeader(&last, &f)) Skip(f.type);
      LeaveStruct();
      return;
    }
    case CompactType::kStop:
      return Fail("unexpected stop type");
  }
  Fail("invalid type");
}

}  // namespace floe::parquet::thrift
