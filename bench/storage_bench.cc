// Storage benchmark against the local S3 server (tests/s3/s3_test_server.js):
//
// 1. Requests and bytes needed to read one column of a Parquet file over S3:
//    page by page (no coalescing), the same page ranges through ReadRanges with
//    coalescing, and floe's Parquet FileReader projecting that column.
// 2. Throughput of a 1 GB upload and download, floe beside the AWS CLI, same server,
//    same run.
//
//   build/bench/storage_bench [--size-mb N] [--column NAME] [--skip-aws]
//
// Needs node with tests/node_modules (scripts/install-deps) and the AWS CLI.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "floe/format/parquet/file_reader.h"
#include "floe/format/parquet/metadata.h"
#include "floe/io/local_file.h"
#include "floe/io/local_store.h"
#include "floe/io/s3_client.h"
#include "floe/io/s3_store.h"
#include "floe/io/transfer.h"

namespace {
std::string SourceDir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().string();
}
}  // namespace
#ifndef FLOE_SOURCE_DIR
#define FLOE_SOURCE_DIR SourceDir()
#endif
#include "../tests/s3/s3_test_server.h"

namespace floe {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Args {
  uint64_t size_mb = 1024;
  std::string column = "int_col";
  std::string parquet;
  bool skip_aws = false;
};

void Report(const char* what, const io::S3Stats& s) {
  std::printf("  %-44s %6llu requests %10llu bytes\n", what,
              static_cast<unsigned long long>(s.requests),
              static_cast<unsigned long long>(s.bytes_received));
}

Status ColumnRead(testing::S3TestServer& server, const Args& args) {
  FLOE_ASSIGN_OR_RETURN(auto local, io::OpenLocalFile(args.parquet));
  FLOE_ASSIGN_OR_RETURN(uint64_t size, local->Size());
  FLOE_ASSIGN_OR_RETURN(std::string bytes, local->ReadAt(0, size));
  FLOE_ASSIGN_OR_RETURN(auto client, io::S3Client::Make(server.ClientOptions()));
  io::S3Store store(client, "bench");
  FLOE_RETURN_IF_ERROR(store.Put("column.parquet", bytes));
  std::printf("\n== Reading column '%s' of %s (%llu bytes) over S3\n", args.column.c_str(),
              std::filesystem::path(args.parquet).filename().c_str(),
              static_cast<unsigned long long>(size));

  // The footer and the column's page ranges, from the file's own metadata.
  if (size < 12) return Status::Corruption("{}: too small", args.parquet);
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, bytes.data() + size - 8, 4);
  if (footer_len > size - 12) return Status::Corruption("{}: bad footer length", args.parquet);
  const uint64_t footer_at = size - 8 - footer_len;
  auto span = [&](uint64_t off, uint64_t len) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()) + off, len);
  };
  FLOE_ASSIGN_OR_RETURN(parquet::FileMetaData meta,
                        parquet::DecodeFileMetaData(span(footer_at, footer_len)));
  std::vector<io::ByteRange> pages;
  std::vector<io::ByteRange> index_ranges;
  uint64_t chunk_bytes = 0;
  for (const auto& rg : meta.row_groups) {
    for (const auto& cc : rg.columns) {
      if (!cc.meta_data || cc.meta_data->path_in_schema.empty() ||
          cc.meta_data->path_in_schema[0] != args.column) {
        continue;
      }
      chunk_bytes += static_cast<uint64_t>(cc.meta_data->total_compressed_size);
      if (cc.offset_index_offset && cc.offset_index_length) {
        const uint64_t off = static_cast<uint64_t>(*cc.offset_index_offset);
        const uint64_t len = static_cast<uint64_t>(*cc.offset_index_length);
        if (off + len > size) return Status::Corruption("offset index out of bounds");
        index_ranges.push_back({off, len});
        FLOE_ASSIGN_OR_RETURN(parquet::OffsetIndex oi, parquet::DecodeOffsetIndex(span(off, len)));
        // A dictionary page sits before the first data page and is not in the index.
        const uint64_t chunk_start = static_cast<uint64_t>(
            cc.meta_data->dictionary_page_offset.value_or(cc.meta_data->data_page_offset));
        if (!oi.page_locations.empty() &&
            chunk_start < static_cast<uint64_t>(oi.page_locations[0].offset)) {
          pages.push_back({chunk_start, oi.page_locations[0].offset - chunk_start});
        }
        for (const auto& p : oi.page_locations) {
          pages.push_back(
              {static_cast<uint64_t>(p.offset), static_cast<uint64_t>(p.compressed_page_size)});
        }
      } else {
        const uint64_t start = static_cast<uint64_t>(
            cc.meta_data->dictionary_page_offset.value_or(cc.meta_data->data_page_offset));
        pages.push_back({start, static_cast<uint64_t>(cc.meta_data->total_compressed_size)});
      }
    }
  }
  if (pages.empty()) return Status::NotFound("no column '{}' in {}", args.column, args.parquet);
  std::printf("  %zu row groups, %zu pages of the column, %llu bytes in its chunks\n",
              meta.row_groups.size(), pages.size(), static_cast<unsigned long long>(chunk_bytes));

  // (a) Page by page, as a reader without coalescing does: footer length, footer,
  //     offset indexes, then one GET per page.
  client->ResetStats();
  FLOE_ASSIGN_OR_RETURN(auto f, store.OpenForRead("column.parquet"));
  FLOE_RETURN_IF_ERROR(f->ReadAt(size - 8, 8).status());
  FLOE_RETURN_IF_ERROR(f->ReadAt(footer_at, footer_len).status());
  for (const auto& r : index_ranges) FLOE_RETURN_IF_ERROR(f->ReadAt(r.offset, r.length).status());
  for (const auto& p : pages) FLOE_RETURN_IF_ERROR(f->ReadAt(p.offset, p.length).status());
  Report("(a) page by page, no coalescing", client->stats());

  // (b) The same ranges through ReadRanges with floe's default coalescing, and the
  //     footer from one 64 KiB tail read.
  client->ResetStats();
  FLOE_ASSIGN_OR_RETURN(f, store.OpenForRead("column.parquet"));
  const uint64_t tail = std::min<uint64_t>(size, 64 * 1024);
  FLOE_RETURN_IF_ERROR(f->ReadAt(size - tail, tail).status());
  if (!index_ranges.empty()) FLOE_RETURN_IF_ERROR(f->ReadRanges(index_ranges).status());
  auto t0 = Clock::now();
  FLOE_RETURN_IF_ERROR(f->ReadRanges(pages).status());
  Report("(b) same pages, ReadRanges with coalescing", client->stats());

  // (c) floe's Parquet reader projecting the column.
  client->ResetStats();
  FLOE_ASSIGN_OR_RETURN(auto file, store.OpenForRead("column.parquet"));
  parquet::ReaderOptions ropts;
  ropts.columns = {args.column};
  auto reader =
      parquet::FileReader::Open(std::shared_ptr<io::RandomAccessFile>(std::move(file)), ropts);
  if (!reader.ok()) {
    std::printf("  (c) FileReader: %s\n", reader.status().ToString().c_str());
  } else {
    int64_t rows = 0;
    for (int i = 0; i < (*reader)->num_row_groups(); ++i) {
      auto batch = (*reader)->ReadRowGroup(i);
      if (!batch.ok()) {
        std::printf("  (c) FileReader: %s\n", batch.status().ToString().c_str());
        break;
      }
      rows += batch->num_rows;
    }
    Report("(c) floe FileReader, one column projected", client->stats());
    std::printf("      (%lld rows decoded)\n", static_cast<long long>(rows));
  }
  (void)t0;
  return Status::OK();
}

Status WriteRandomFile(const std::string& path, uint64_t bytes) {
  FLOE_ASSIGN_OR_RETURN(auto w, io::NewLocalWritableFile(path, {.sync = false}));
  std::mt19937_64 rng(42);
  std::string block(8 << 20, '\0');
  for (uint64_t done = 0; done < bytes;) {
    for (size_t i = 0; i < block.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(block.data() + i, &v, 8);
    }
    const uint64_t n = std::min<uint64_t>(block.size(), bytes - done);
    FLOE_RETURN_IF_ERROR(w->Append(std::string_view(block).substr(0, n)));
    done += n;
  }
  return w->Close();
}

bool SameFile(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  std::string ba(1 << 20, '\0'), bb(1 << 20, '\0');
  while (fa && fb) {
    fa.read(ba.data(), static_cast<std::streamsize>(ba.size()));
    fb.read(bb.data(), static_cast<std::streamsize>(bb.size()));
    if (fa.gcount() != fb.gcount() || ba.compare(0, static_cast<size_t>(fa.gcount()), bb, 0,
                                                 static_cast<size_t>(fb.gcount())) != 0) {
      return false;
    }
  }
  return fa.eof() && fb.eof();
}

Status Throughput(testing::S3TestServer& server, const Args& args) {
  const uint64_t bytes = args.size_mb << 20;
  const std::string dir = server.dir() + "/bench";
  std::filesystem::create_directories(dir);
  const std::string src = dir + "/source.bin";
  FLOE_RETURN_IF_ERROR(WriteRandomFile(src, bytes));
  std::printf("\n== %llu MiB upload and download, local S3 server (s3rver) on 127.0.0.1\n",
              static_cast<unsigned long long>(args.size_mb));
  io::S3Options opts = server.ClientOptions();
  opts.retry = io::RetryOptions{};
  FLOE_ASSIGN_OR_RETURN(auto client, io::S3Client::Make(opts));
  io::S3Store s3(client, "bench");
  io::LocalStore local("/", {.sync = false});
  std::printf(
      "  floe: part size %llu MiB, %d parts in flight; downloads %d ranged GETs in flight\n",
      static_cast<unsigned long long>(opts.part_size >> 20), opts.upload_concurrency,
      io::TransferOptions{}.parallelism);
  auto rate = [&](double s) { return static_cast<double>(bytes) / (1 << 20) / s; };

  client->ResetStats();
  auto t0 = Clock::now();
  FLOE_RETURN_IF_ERROR(io::CopyObject(local, src.substr(1), s3, "floe.bin").status());
  const double floe_up = Seconds(Clock::now() - t0);
  const uint64_t up_requests = client->stats().requests;
  client->ResetStats();
  t0 = Clock::now();
  FLOE_RETURN_IF_ERROR(
      io::CopyObject(s3, "floe.bin", local, (dir + "/floe.down").substr(1)).status());
  const double floe_down = Seconds(Clock::now() - t0);
  const uint64_t down_requests = client->stats().requests;
  if (!SameFile(src, dir + "/floe.down")) return Status::Internal("floe download differs");
  std::printf(
      "  %-10s upload %7.2f s %8.1f MiB/s (%llu requests)   download %7.2f s %8.1f MiB/s "
      "(%llu requests)\n",
      "floe", floe_up, rate(floe_up), static_cast<unsigned long long>(up_requests), floe_down,
      rate(floe_down), static_cast<unsigned long long>(down_requests));
  std::filesystem::remove(dir + "/floe.down");

  if (!args.skip_aws) {
    t0 = Clock::now();
    auto up = server.Aws({"s3", "cp", "--only-show-errors", src, "s3://bench/aws.bin"});
    const double aws_up = Seconds(Clock::now() - t0);
    if (up.exit_code != 0) return Status::IOError("aws upload failed: {}", up.output);
    t0 = Clock::now();
    auto down =
        server.Aws({"s3", "cp", "--only-show-errors", "s3://bench/aws.bin", dir + "/aws.down"});
    const double aws_down = Seconds(Clock::now() - t0);
    if (down.exit_code != 0) return Status::IOError("aws download failed: {}", down.output);
    if (!SameFile(src, dir + "/aws.down")) return Status::Internal("aws download differs");
    auto version = testing::RunCommand({testing::AwsBinary(), "--version"});
    std::printf(
        "  %-10s upload %7.2f s %8.1f MiB/s                  download %7.2f s %8.1f MiB/s\n",
        "aws cli", aws_up, rate(aws_up), aws_down, rate(aws_down));
    std::printf("  (%s)\n", version.output.substr(0, version.output.find('\n')).c_str());
    std::filesystem::remove(dir + "/aws.down");
  }
  std::filesystem::remove(src);
  return Status::OK();
}

}  // namespace
}  // namespace floe

int main(int argc, char** argv) {
  floe::Args args;
  args.parquet = SourceDir() + "/../shared/fixtures/parquet/alltypes_tiny_pages.parquet";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--size-mb" && i + 1 < argc) {
      args.size_mb = std::stoull(argv[++i]);
    } else if (a == "--column" && i + 1 < argc) {
      args.column = argv[++i];
    } else if (a == "--parquet" && i + 1 < argc) {
      args.parquet = argv[++i];
    } else if (a == "--skip-aws") {
      args.skip_aws = true;
    } else {
      std::fprintf(stderr,
                   "usage: storage_bench [--size-mb N] [--parquet FILE] [--column NAME] "
                   "[--skip-aws]\n");
      return 2;
    }
  }
  floe::testing::S3TestServer::Options opts;
  opts.buckets = {"bench"};
  auto server = floe::testing::S3TestServer::Start(opts);
  if (!server.ok()) {
    std::fprintf(stderr, "storage_bench: %s\n", server.status().ToString().c_str());
    return 1;
  }
  int rc = 0;
  if (floe::Status st = floe::ColumnRead(**server, args); !st.ok()) {
    std::fprintf(stderr, "column read: %s\n", st.ToString().c_str());
    rc = 1;
  }
  if (floe::Status st = floe::Throughput(**server, args); !st.ok()) {
    std::fprintf(stderr, "throughput: %s\n", st.ToString().c_str());
    rc = 1;
  }
  return rc;
}
