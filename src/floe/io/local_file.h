// Files on local disk: positional reads (pread) and atomically committed writes
// (temp file beside the target, fsync, rename, fsync of the directory).
#pragma once

#include <memory>
#include <string>

#include "floe/common/status.h"
#include "floe/io/file.h"

namespace floe::io {

// How a local WritableFile commits.
struct LocalWriteOptions {
  // fsync the file before the rename and the directory after it. Turning this off
  // keeps atomic visibility but loses durability across a power cut (tests only).
  bool sync = true;
  // Create missing parent directories (object-store semantics: keys have no directories).
  bool create_parent_dirs = true;
  // Bytes buffered in memory before a write(2).
  size_t buffer_size = 256 * 1024;
};

// Opens `path` for reading. The returned file is thread-safe (pread on one
// descriptor) and owns the descriptor. NotFound when the file does not exist.
// Size() is taken once at open; the file must not change while it is read.
Result<std::unique_ptr<RandomAccessFile>> OpenLocalFile(const std::string& path);

// Starts writing `path`. Bytes go to a temp file "<path>.tmp.<random>" in the
// same directory; Close() flushes, fsyncs, renames it over `path` and fsyncs the
// directory, so readers see the old object or the whole new one, never a part.
// Abort() or destruction without Close() removes the temp file.
Result<std::unique_ptr<WritableFile>> NewLocalWritableFile(const std::string& path,
                                                           const LocalWriteOptions& opts = {});

// Creates `path` holding `data` only if nothing exists there yet: the bytes are
// written and synced to a temp file that is then link(2)ed to `path` (on file
// systems without hard links: renameat2 with RENAME_NOREPLACE), which fails
// atomically with AlreadyExists when `path` exists (the O_EXCL guarantee, but the
// object appears complete). Exactly one of several concurrent callers wins.
Status CreateLocalFileIfAbsent(const std::string& path, std::string_view data,
                               const LocalWriteOptions& opts = {});

}  // namespace floe::io
