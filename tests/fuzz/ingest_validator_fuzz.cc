// libFuzzer target: arbitrary bytes through StreamValidator::Validate, as an NDJSON body or a
// JSON body, for streams with a varied schema (every field type, nested lists and structs,
// required fields), each unknown-field policy, every epoch unit, a small and the default
// depth limit, and an unstructured stream. Checks, beyond "no crash, no leak, no UB":
//   - a body-level failure is an InvalidArgument;
//   - rejected records come in increasing index order, each with its raw text (<= 64 KiB);
//   - an NDJSON body's records are all judged: accepted + rejected = non-blank lines;
//   - the normalized records are one line each, ending with the arrival time, and read back
//     with ParseJsonLines against schema() (json_strings_as_text = false, unknown fields an
//     error) into a valid batch of `accepted` rows.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "floe/columnar/json_reader.h"
#include "floe/ingest/validator.h"

namespace {

using namespace floe;
using namespace floe::ingest;
using Type = StreamField::Type;

constexpr int64_t kArrival = 1700000000000000;

StreamField F(std::string name, Type type, bool required = false,
              std::vector<StreamField> children = {}) {
  StreamField f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  f.children = std::move(children);
  return f;
}

std::shared_ptr<const StreamValidator> Build(int policy, int unit, bool small_depth,
                                             bool unstructured) {
  StreamConfig s;
  s.name = "fuzz";
  s.unstructured = unstructured;
  s.unknown_fields = static_cast<UnknownFields>(policy);
  s.keep_column = "_x";
  if (!unstructured) {
    StreamField ts = F("t", Type::kTimestamp);
    ts.epoch_unit = static_cast<StreamField::EpochUnit>(unit);
    StreamField inner_ts = ts;
    inner_ts.required = true;
    s.fields = {
        F("id", Type::kInt64, true),
        F("n", Type::kInt32),
        F("f", Type::kFloat32),
        F("d", Type::kFloat64),
        F("b", Type::kBool),
        ts,
        F("s", Type::kString),
        F("j", Type::kJson),
        F("x", Type::kBinary),
        F("l", Type::kList, false, {F("", Type::kString)}),
        F("m", Type::kList, false, {F("", Type::kInt32, true)}),
        F("g", Type::kStruct, false,
          {F("a", Type::kFloat64, true), F("o", Type::kFloat64),
           F("i", Type::kStruct, false,
             {F("ll", Type::kList, false, {F("", Type::kList, false, {F("", Type::kInt64)})}),
              inner_ts})}),
        F("r", Type::kList, false,
          {F("", Type::kStruct, false, {F("k", Type::kString, true), F("v", Type::kJson)})}),
    };
  }
  ValidatorLimits limits;
  limits.max_depth = small_depth ? 5 : 64;
  auto v = StreamValidator::Make(s, limits);
  if (!v.ok()) {
    std::fprintf(stderr, "ingest_validator_fuzz: %s\n", v.status().ToString().c_str());
    std::abort();
  }
  return *v;
}

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "ingest_validator_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

int64_t NonBlankLines(std::string_view body) {
  int64_t n = 0;
  bool blank = true;
  for (char c : body) {
    if (c == '\n') {
      n += !blank;
      blank = true;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      blank = false;
    }
  }
  return n + !blank;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the stream and the body format; the rest is the body.
  const uint8_t control = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const int policy = control % 3;
  const int unit = (control / 3) % 3;
  const bool small_depth = (control & 0x20) != 0;
  const bool unstructured = (control & 0x40) != 0;
  const BodyFormat format = (control & 0x80) ? BodyFormat::kJson : BodyFormat::kNdjson;

  static std::shared_ptr<const StreamValidator> validators[3][3][2][2];
  auto& v = validators[policy][unit][small_depth][unstructured];
  if (!v) v = Build(policy, unit, small_depth, unstructured);

  Result<ValidationResult> r = v->Validate(body, format, kArrival);
  if (!r.ok()) {
    if (r.status().code() != StatusCode::kInvalidArgument) {
      Die("body error is not InvalidArgument", r.status().ToString());
    }
    return 0;
  }
  const ValidationResult& res = *r;
  if (res.rejected.size() != res.rejected_raw.size()) Die("rejected_raw not parallel", "");
  for (size_t i = 0; i < res.rejected.size(); ++i) {
    if (res.rejected[i].index < 0 || (i > 0 && res.rejected[i].index <= res.rejected[i - 1].index))
      Die("rejected indexes out of order", std::to_string(res.rejected[i].index));
    if (res.rejected_raw[i].size() > (size_t{64} << 10)) Die("raw text too long", "");
    if (res.rejected[i].error.empty()) Die("rejected without an error", "");
  }
  if (format == BodyFormat::kNdjson) {
    const int64_t judged = res.accepted + static_cast<int64_t>(res.rejected.size());
    if (judged != NonBlankLines(body)) {
      Die("not every NDJSON line judged",
          std::to_string(judged) + " of " + std::to_string(NonBlankLines(body)));
    }
  }

  int64_t lines = 0;
  const std::string suffix = "\"arrival_time\":" + std::to_string(kArrival) + "}";
  for (size_t pos = 0; pos < res.records.size();) {
    const size_t nl = res.records.find('\n', pos);
    if (nl == std::string::npos) Die("record without a newline", res.records);
    const std::string_view line(res.records.data() + pos, nl - pos);
    if (line.size() < suffix.size() || line.substr(line.size() - suffix.size()) != suffix) {
      Die("record does not end with its arrival time", std::string(line));
    }
    ++lines;
    pos = nl + 1;
  }
  if (lines != res.accepted) Die("accepted count differs from the records", res.records);
  if (res.accepted == 0) return 0;

  JsonReadOptions opts;
  opts.json_strings_as_text = false;
  opts.unknown_fields = JsonReadOptions::UnknownFields::kError;
  Result<RecordBatch> batch = ParseJsonLines(res.records, v->schema(), opts);
  if (!batch.ok())
    Die("normalized records do not read back", batch.status().ToString() + "\n" + res.records);
  if (batch->num_rows != res.accepted) Die("row count differs", res.records);
  const Status valid = batch->Validate();
  if (!valid.ok()) Die("invalid batch", valid.ToString());
  return 0;
}
