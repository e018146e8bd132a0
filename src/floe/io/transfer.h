// Whole-object transfers between stores (floe storage cp, exports): streamed in
// chunks with bounded memory, parallel ranged reads from remote sources.
#pragma once

#include <cstdint>
#include <string_view>

#include "floe/common/status.h"
#include "floe/io/object_store.h"

namespace floe::io {

struct TransferOptions {
  // Bytes per read request.
  uint64_t chunk_size = 8 << 20;
  // Chunks read at once. The next window of chunks is read while the current one is
  // written, so memory use is about 2 * chunk_size * parallelism (plus the
  // destination writer's buffers).
  int parallelism = 8;
};

// Copies src_store/src_key to dst_store/dst_key. Within one store this is the
// store's Copy (server-side on S3); otherwise the bytes stream through a writer of
// the destination, which publishes atomically on success and is aborted on any
// failure. Returns the bytes copied.
Result<uint64_t> CopyObject(ObjectStore& src_store, std::string_view src_key,
                            ObjectStore& dst_store, std::string_view dst_key,
                            const TransferOptions& opts = {});

// CopyObject between two URIs (resolved with the default registry).
Result<uint64_t> CopyUri(std::string_view src, std::string_view dst,
                         const TransferOptions& opts = {});

// An HTTP-style byte range for an object of `size` bytes: "A-B" (A to B inclusive),
// "A-" (A to the end), "-N" (the last N bytes). kInvalidArgument when malformed or
// not inside the object (an empty object only admits "0-" and "-N").
Result<ByteRange> ParseByteRangeSpec(std::string_view spec, uint64_t size);

}  // namespace floe::io
