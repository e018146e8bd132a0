// Test support for the Parquet writer tests: deterministic random columnar data of any
// type (nested included), random schemas, and the expected-value JSON the DuckDB interop
// script reads back. Header-only; used by *_test.cc files only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/columnar/column.h"
#include "floe/columnar/type.h"
#include "floe/common/float16.h"

namespace floe::parquet::testing {

// Knobs of the random value generator.
struct GenOptions {
  double null_probability = 0.1;  // for nullable fields
  int max_list_length = 4;
  int max_string_length = 40;
  bool special_floats = false;           // NaN, +-inf, -0.0 (not for the JSON oracle)
  double long_string_probability = 0.0;  // strings of 100..300 bytes
};

class DataGen {
 public:
  explicit DataGen(uint64_t seed, GenOptions opts = {}) : rng_(seed), opts_(opts) {}

  std::mt19937_64& rng() { return rng_; }

  uint64_t Bits() { return rng_(); }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  std::string RandomString(int max_len) {
    static const char* kPieces[] = {
        "a", "b", "c", "x", "Y", "z", "0", "9", " ", "-", "é", "日本", "\xF0\x9F\xA6\x86",
        "ß", "_", "q"};
    const int n = static_cast<int>(Range(0, max_len));
    std::string s;
    for (int i = 0; i < n; ++i) s += kPieces[Range(0, 15)];
    return s;
  }
  std::string RandomBytes(int len) {
    std::string s(static_cast<size_t>(len), '\0');
    for (char& c : s) c = static_cast<char>(rng_());
    return s;
  }

  // Appends one random value (or null, when `nullable`) of type `t` to `b`.
  void Append(ColumnBuilder& b, const DataType& t, bool nullable, int depth = 0) {
    if (nullable && Chance(opts_.null_probability)) {
      b.AppendNull();
      return;
    }
    switch (t.id) {
      case TypeId::kBool:
        b.AppendBool(rng_() & 1);
        break;
      case TypeId::kInt8:
        b.AppendInt(static_cast<int8_t>(rng_()));
        break;
      case TypeId::kInt16:
        b.AppendInt(static_cast<int16_t>(rng_()));
        break;
      case TypeId::kInt32:
        b.AppendInt(static_cast<int32_t>(rng_()));
        break;
      case TypeId::kInt64:
        b.AppendInt(static_cast<int64_t>(rng_()));
        break;
      case TypeId::kUInt8:
        b.AppendUInt(static_cast<uint8_t>(rng_()));
        break;
      case TypeId::kUInt16:
        b.AppendUInt(static_cast<uint16_t>(rng_()));
        break;
      case TypeId::kUInt32:
        b.AppendUInt(static_cast<uint32_t>(rng_()));
        break;
      case TypeId::kUInt64:
        b.AppendUInt(rng_());
        break;
      case TypeId::kFloat16: {
        uint16_t h;
        do {
          h = static_cast<uint16_t>(rng_());
        } while (!opts_.special_floats && (h & 0x7C00) == 0x7C00);
        b.AppendFloat16Bits(h);
        break;
      }
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        double v;
        const int pick = static_cast<int>(Range(0, 19));
        if (opts_.special_floats && pick == 0) {
          v = std::numeric_limits<double>::quiet_NaN();
        } else if (opts_.special_floats && pick == 1) {
          v = -std::numeric_limits<double>::infinity();
        } else if (pick == 2) {
          v = -0.0;
        } else if (pick < 6) {
          v = static_cast<double>(Range(-100, 100));
        } else {
          v = std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
        }
        b.AppendDouble(v);
        break;
      }
      case TypeId::kDecimal: {
        __int128 v = 0;
        const int digits = static_cast<int>(Range(1, t.precision));
        for (int i = 0; i < digits; ++i) v = v * 10 + Range(0, 9);
        if (rng_() & 1) v = -v;
        b.AppendDecimal(v);
        break;
      }
      case TypeId::kDate:
        b.AppendInt(Range(-25567, 84000));
        break;  // 1900 .. 2199
      case TypeId::kTime:
        b.AppendInt(Range(0, 86400 * UnitsPerSecond(t.unit) - 1));
        break;
      case TypeId::kTimestamp: {
        const int64_t s = Range(-2208988800LL, 7258118399LL);
        const int64_t per = UnitsPerSecond(t.unit);
        b.AppendInt(s * per + Range(0, per - 1));
        break;
      }
      case TypeId::kInterval: {
        std::string v(12, '\0');
        for (int i = 0; i < 3; ++i) {
          const uint32_t x = static_cast<uint32_t>(Range(0, 5000));
          std::memcpy(v.data() + 4 * i, &x, 4);
        }
        b.AppendBytes(v);
        break;
      }
      case TypeId::kString: {
        if (opts_.long_string_probability > 0 && Chance(opts_.long_string_probability)) {
          b.AppendBytes(RandomString(300));
        } else {
          b.AppendBytes(RandomString(opts_.max_string_length));
        }
        break;
      }
      case TypeId::kEnum: {
        static const char* kValues[] = {"red", "green", "blue", "cyan"};
        b.AppendBytes(kValues[Range(0, 3)]);
        break;
      }
      case TypeId::kJson:
        b.AppendBytes("{\"k\":" + std::to_string(Range(0, 999)) + "}");
        break;
      case TypeId::kBinary:
        b.AppendBytes(RandomBytes(static_cast<int>(Range(0, 20))));
        break;
      case TypeId::kFixedBinary:
      case TypeId::kUuid:
        b.AppendBytes(RandomBytes(t.FixedWidth()));
        break;
      case TypeId::kList: {
        const Field& e = t.children[0];
        const int n = static_cast<int>(Range(0, depth > 2 ? 1 : opts_.max_list_length));
        for (int i = 0; i < n; ++i) Append(b.child(0), *e.type, e.nullable, depth + 1);
        b.CloseList();
        break;
      }
      case TypeId::kMap: {
        const Field& k = t.children[0];
        const Field& v = t.children[1];
        const int n = static_cast<int>(Range(0, depth > 2 ? 1 : 3));
        std::set<std::string> seen;
        for (int i = 0; i < n; ++i) {
          // Unique keys: strings or integers.
          std::string key =
              k.type->id == TypeId::kString ? RandomString(6) : std::to_string(Range(-50, 50));
          if (!seen.insert(key).second) continue;
          if (k.type->id == TypeId::kString) {
            b.child(0).AppendBytes(key);
          } else {
            b.child(0).AppendInt(std::stoll(key));
          }
          Append(b.child(1), *v.type, v.nullable, depth + 1);
        }
        b.CloseList();
        break;
      }
      case TypeId::kStruct: {
        for (size_t i = 0; i < t.children.size(); ++i) {
          Append(b.child(i), *t.children[i].type, t.children[i].nullable, depth + 1);
        }
        b.CloseStruct();
        break;
      }
      default:
        b.AppendNull();  // types the generator does not make
        break;
    }
  }

  RecordBatch Batch(const SchemaPtr& schema, int64_t rows) {
    BatchBuilder bb(schema);
    for (int64_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < schema->fields.size(); ++c) {
        Append(bb.column(c), *schema->fields[c].type, schema->fields[c].nullable);
      }
    }
    return bb.Finish();
  }

  // A random type: leaves of every kind, structs, lists and maps, up to `depth` levels.
  TypePtr RandomType(int depth) {
    const int pick = static_cast<int>(Range(0, depth > 0 ? 29 : 23));
    switch (pick) {
      case 0:
        return types::Bool();
      case 1:
        return types::Int8();
      case 2:
        return types::Int16();
      case 3:
        return types::Int32();
      case 4:
        return types::Int64();
      case 5:
        return types::UInt8();
      case 6:
        return types::UInt32();
      case 7:
        return types::UInt64();
      case 8:
        return types::Float16();
      case 9:
        return types::Float32();
      case 10:
        return types::Float64();
      case 11:
        return types::Decimal(static_cast<int32_t>(Range(1, 38)), 2);
      case 12:
        return types::Date();
      case 13:
        return types::Time(static_cast<floe::TimeUnit>(Range(0, 2)));
      case 14:
        return types::Timestamp(static_cast<floe::TimeUnit>(Range(0, 2)), rng_() & 1);
      case 15:
        return types::Interval();
      case 16:
      case 17:
        return types::String();
      case 18:
        return types::Enum();
      case 19:
        return types::Json();
      case 20:
        return types::Binary();
      case 21:
        return types::FixedBinary(static_cast<int32_t>(Range(1, 20)));
      case 22:
        return types::Uuid();
      case 23:
        return types::UInt16();
      case 24:
      case 25:
        return types::List(RandomType(depth - 1), rng_() & 1);
      case 26:
        return types::Map(rng_() & 1 ? types::String() : types::Int32(), RandomType(depth - 1),
                          rng_() & 1);
      default: {
        std::vector<Field> fields;
        const int n = static_cast<int>(Range(1, 3));
        for (int i = 0; i < n; ++i) {
          fields.push_back(
              Field{"f" + std::to_string(i), RandomType(depth - 1), (rng_() & 3) != 0});
        }
        return types::Struct(std::move(fields));
      }
    }
  }

 private:
  std::mt19937_64 rng_;
  GenOptions opts_;
};

// ---------------------------------------------------------------------------------------
// Expected values as JSON text DuckDB's read_json parses into the column's type.

inline void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  // Howard Hinnant's days_from_civil inverse.
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

inline std::string FormatDate(int64_t days) {
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  return buf;
}

inline int FractionDigits(floe::TimeUnit u) {
  return u == floe::TimeUnit::kMilli ? 3 : (u == floe::TimeUnit::kMicro ? 6 : 9);
}

inline std::string FormatTimeOfDay(int64_t v, floe::TimeUnit unit) {
  const int64_t per = UnitsPerSecond(unit);
  const int64_t secs = v / per, frac = v % per;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%0*lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                FractionDigits(unit), static_cast<long long>(frac));
  return buf;
}

inline std::string FormatTimestamp(int64_t v, floe::TimeUnit unit, bool utc) {
  const int64_t per = UnitsPerSecond(unit);
  int64_t secs = v / per, frac = v % per;
  if (frac < 0) {
    frac += per;
    --secs;
  }
  int64_t days = secs / 86400, sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  return FormatDate(days) + " " + FormatTimeOfDay(sod * per + frac, unit) + (utc ? "+00" : "");
}

inline std::string FormatDecimal(__int128 v, int scale) {
  const bool neg = v < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u > 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  if (scale > 0) digits.insert(digits.end() - scale, '.');
  return (neg ? "-" : "") + digits;
}

// DuckDB's BLOB literal form: every byte as \xHH.
inline std::string BlobLiteral(std::string_view bytes) {
  std::string s;
  char buf[8];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "\\x%02X", c);
    s += buf;
  }
  return s;
}

inline std::string UuidString(std::string_view b) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(b[i]));
    s += buf;
  }
  return s;
}

// Objects keep insertion order (map entries and struct fields in column order).
inline nlohmann::ordered_json ToJson(const Column& c, int64_t i) {
  using json = nlohmann::ordered_json;
  if (c.IsNull(i)) return nullptr;
  const DataType& t = *c.type;
  switch (t.id) {
    case TypeId::kBool:
      return c.Value<uint8_t>(i) != 0;
    case TypeId::kInt8:
      return c.Value<int8_t>(i);
    case TypeId::kInt16:
      return c.Value<int16_t>(i);
    case TypeId::kInt32:
      return c.Value<int32_t>(i);
    case TypeId::kInt64:
      return c.Value<int64_t>(i);
    case TypeId::kUInt8:
      return c.Value<uint8_t>(i);
    case TypeId::kUInt16:
      return c.Value<uint16_t>(i);
    case TypeId::kUInt32:
      return c.Value<uint32_t>(i);
    case TypeId::kUInt64:
      return c.Value<uint64_t>(i);
    case TypeId::kFloat16:
      return static_cast<double>(HalfToFloat(c.Value<uint16_t>(i)));
    case TypeId::kFloat32:
      return static_cast<double>(c.Value<float>(i));
    case TypeId::kFloat64:
      return c.Value<double>(i);
    case TypeId::kDecimal:
      return FormatDecimal(c.Value<__int128>(i), t.scale);
    case TypeId::kDate:
      return FormatDate(c.Value<int32_t>(i));
    case TypeId::kTime:
      return FormatTimeOfDay(c.Value<int64_t>(i), t.unit);
    case TypeId::kTimestamp:
      return FormatTimestamp(c.Value<int64_t>(i), t.unit, t.utc);
    case TypeId::kInterval: {
      uint32_t v[3];
      std::memcpy(v, c.FixedAt(i).data(), 12);
      return std::to_string(v[0]) + " months " + std::to_string(v[1]) + " days " +
             std::to_string(v[2]) + " milliseconds";
    }
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
      return std::string(c.StringAt(i));
    case TypeId::kBinary:
      return BlobLiteral(c.StringAt(i));
    case TypeId::kFixedBinary:
      return BlobLiteral(c.FixedAt(i));
    case TypeId::kUuid:
      return UuidString(c.FixedAt(i));
    case TypeId::kList: {
      json a = json::array();
      for (int64_t j = c.ListBegin(i); j < c.ListEnd(i); ++j)
        a.push_back(ToJson(*c.children[0], j));
      return a;
    }
    case TypeId::kMap: {
      json o = json::object();
      for (int64_t j = c.ListBegin(i); j < c.ListEnd(i); ++j) {
        const Column& k = *c.children[0];
        const std::string key =
            k.type->id == TypeId::kString ? std::string(k.StringAt(j)) : ToJson(k, j).dump();
        o[key] = ToJson(*c.children[1], j);
      }
      return o;
    }
    case TypeId::kStruct: {
      json o = json::object();
      for (size_t f = 0; f < t.children.size(); ++f) {
        o[t.children[f].name] = ToJson(*c.children[f], i);
      }
      return o;
    }
    default:
      break;
  }
  return nullptr;
}

// DuckDB's name for the type it reads a column of `t` as.
inline std::string DuckType(const DataType& t) {
  switch (t.id) {
    case TypeId::kBool:
      return "BOOLEAN";
    case TypeId::kInt8:
      return "TINYINT";
    case TypeId::kInt16:
      return "SMALLINT";
    case TypeId::kInt32:
      return "INTEGER";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kUInt8:
      return "UTINYINT";
    case TypeId::kUInt16:
      return "USMALLINT";
    case TypeId::kUInt32:
      return "UINTEGER";
    case TypeId::kUInt64:
      return "UBIGINT";
    case TypeId::kFloat16:
    case TypeId::kFloat32:
      return "FLOAT";
    case TypeId::kFloat64:
      return "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kTime:
      if (t.unit == floe::TimeUnit::kNano) return "TIME_NS";
      return t.utc ? "TIME WITH TIME ZONE" : "TIME";
    case TypeId::kTimestamp:
      if (t.utc) return "TIMESTAMP WITH TIME ZONE";
      if (t.unit == floe::TimeUnit::kNano) return "TIMESTAMP_NS";
      return "TIMESTAMP";
    case TypeId::kInterval:
      return "INTERVAL";
    case TypeId::kString:
    case TypeId::kEnum:
      return "VARCHAR";
    case TypeId::kJson:
      return "JSON";
    case TypeId::kBinary:
    case TypeId::kFixedBinary:
      return "BLOB";
    case TypeId::kUuid:
      return "UUID";
    case TypeId::kList:
      return DuckType(*t.children[0].type) + "[]";
    case TypeId::kMap:
      return "MAP(" + DuckType(*t.children[0].type) + ", " + DuckType(*t.children[1].type) + ")";
    case TypeId::kStruct: {
      std::string s = "STRUCT(";
      for (size_t i = 0; i < t.children.size(); ++i) {
        if (i) s += ", ";
        s += t.children[i].name + " " + DuckType(*t.children[i].type);
      }
      return s + ")";
    }
    default:
      break;
  }
  return "?";
}

}  // namespace floe::parquet::testing
