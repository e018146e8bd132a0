#include "floe/ingest/sink.h"

#include "floe/ingest/file_sink.h"
#include "floe/ingest/table_sink.h"

namespace floe::ingest {

Result<std::unique_ptr<Sink>> Sink::Open(const SinkConfig& config, SchemaPtr input_schema,
                                         const Context& context) {
  switch (config.kind) {
    case SinkConfig::Kind::kTable:
      return OpenTableSink(config, std::move(input_schema), context);
    case SinkConfig::Kind::kFiles:
      return OpenFileSink(config, std::move(input_schema), context);
  }
  return Status::InvalidArgument("sink '{}': unknown kind {}", config.name,
                                 static_cast<int>(config.kind));
}

}  // namespace floe::ingest
