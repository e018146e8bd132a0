// The table sink (sink.h, SinkConfig::Kind::kTable): rows land in an Iceberg table through
// iceberg::DataFileWriter; a commit is one iceberg::AppendFiles whose snapshot summary
// records the log position it covers. Internal to ingest/: the service reaches it through
// Sink::Open.
//
// Input columns map to the table's columns by name, at any depth. A column the table has
// and the input lacks is written null (it must be optional). An input column is written to
// a table column of the same type, or of one it widens to without loss: narrower integers
// to int/long, float to double, a decimal to a wider one with the same scale, a time or
// timestamp to a finer unit, a zone-less timestamp to timestamptz (ingest times are UTC),
// and string, enum or json to string. Anything else is an error from Open naming the sink,
// the table and the column.
//
// A new table gets the input's schema with field ids assigned in order (timestamps as
// timestamptz, json as string), SinkConfig::partition (iceberg::ParsePartitionSpecText)
// and SinkConfig::properties; its namespace is created when missing.
#pragma once

#include <memory>
#include <string_view>

#include "floe/columnar/type.h"
#include "floe/common/status.h"
#include "floe/ingest/config.h"
#include "floe/ingest/sink.h"

namespace floe::ingest {

// Snapshot summary keys of a table sink's commits (docs: sink.h).
inline constexpr std::string_view kSummaryLogId = "floe.ingest.log-id";
inline constexpr std::string_view kSummarySink = "floe.ingest.sink";
inline constexpr std::string_view kSummaryEndLsn = "floe.ingest.end-lsn";

// REQUIRES: config.kind == SinkConfig::Kind::kTable.
Result<std::unique_ptr<Sink>> OpenTableSink(const SinkConfig& config, SchemaPtr input_schema,
                                            const Sink::Context& context);

}  // namespace floe::ingest
