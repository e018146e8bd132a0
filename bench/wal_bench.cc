// Write-ahead log throughput and acknowledgement latency (src/floe/wal/wal.h), beside the
// raw device in the same run.
//
// For each payload size (default 1 KiB and 225 KiB, one record per ingest request) and
// client count (1, 4, 16), closed-loop clients call Wal::AppendDurable for --seconds (or
// until --max-mb are written). The peer does the same with plain syscalls, no WAL: each
// client pwrite()s the same bytes to a preallocated file and calls fdatasync itself. A
// third line shows the device ceiling: one thread writing 8 MiB blocks + fdatasync.
//
//   build/bench/wal_bench [--dir DIR] [--seconds S] [--max-mb N] [--sizes 1024,230400]
//                         [--clients 1,4,16] [--concurrent-syncs N]
//
// MB/s counts payload bytes acknowledged durable. Latency is append call to return.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "floe/wal/wal.h"

namespace floe::wal {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string dir = "build/bench-data/wal";
  double seconds = 3;
  uint64_t max_mb = 1536;
  std::vector<size_t> sizes = {1024, 225 * 1024};
  std::vector<int> clients = {1, 4, 16};
  int concurrent_syncs = WalOptions{}.max_concurrent_syncs;
};

struct Run {
  double mb_per_s = 0;
  double records_per_s = 0;
  double p50_us = 0, p99_us = 0;
  double syncs_per_s = 0;
  double records_per_sync = 0;
};

std::vector<uint8_t> Payload(size_t size, uint64_t seed) {
  std::vector<uint8_t> p(size);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& b : p) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(' ' + x % 90);
  }
  return p;
}

// Runs `clients` threads calling op(client, payload) until time or bytes run out.
template <typename Op>
Run Drive(size_t size, int clients, const Args& args, Op op) {
  const uint64_t max_bytes = args.max_mb << 20;
  std::atomic<uint64_t> bytes{0};
  std::atomic<bool> failed{false};
  std::vector<std::vector<uint32_t>> lat(clients);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(args.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      const auto payload = Payload(size, static_cast<uint64_t>(c));
      lat[c].reserve(1 << 16);
      while (Clock::now() < deadline && bytes.load(std::memory_order_relaxed) < max_bytes) {
        const auto t0 = Clock::now();
        if (!op(c, payload)) {
          failed = true;
          return;
        }
        lat[c].push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
        bytes.fetch_add(size, std::memory_order_relaxed);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) {
    std::fprintf(stderr, "an append failed\n");
    std::exit(1);
  }
  std::vector<uint32_t> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Run r;
  r.mb_per_s = static_cast<double>(bytes.load()) / secs / 1e6;
  r.records_per_s = static_cast<double>(all.size()) / secs;
  if (!all.empty()) {
    r.p50_us = all[all.size() / 2];
    r.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return r;
}

Run BenchWal(size_t size, int clients, const Args& args) {
  const std::string dir = args.dir + "/wal";
  std::filesystem::remove_all(dir);
  WalOptions options;
  options.max_concurrent_syncs = args.concurrent_syncs;
  auto wal = Wal::Open(dir, options);
  if (!wal.ok()) {
    std::fprintf(stderr, "%s\n", wal.status().ToString().c_str());
    std::exit(1);
  }
  Run r = Drive(size, clients, args, [&](int c, const std::vector<uint8_t>& p) {
    return (*wal)->AppendDurable(static_cast<uint32_t>(c), p).ok();
  });
  const WalStats s = (*wal)->stats();
  const double secs =
      r.records_per_s > 0 ? static_cast<double>(s.records_appended) / r.records_per_s : 1;
  r.syncs_per_s = static_cast<double>(s.syncs) / secs;
  r.records_per_sync = s.syncs ? static_cast<double>(s.records_appended) / s.syncs : 0;
  wal->reset();
  std::filesystem::remove_all(dir);
  return r;
}

// The peer: the same bytes with pwrite + fdatasync per request, no WAL in between.
Run BenchRaw(size_t size, int clients, const Args& args) {
  const std::string path = args.dir + "/raw.dat";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  const uint64_t cap = (args.max_mb << 20) + (64ull << 20);
  (void)::fallocate(fd, 0, 0, static_cast<off_t>(cap));
  std::atomic<uint64_t> offset{0};
  std::atomic<uint64_t> syncs{0};
  Run r = Drive(size, clients, args, [&](int, const std::vector<uint8_t>& p) {
    const uint64_t at = offset.fetch_add(p.size());
    if (::pwrite(fd, p.data(), p.size(), static_cast<off_t>(at % cap)) !=
        static_cast<ssize_t>(p.size())) {
      return false;
    }
    syncs.fetch_add(1);
    return ::fdatasync(fd) == 0;
  });
  r.records_per_sync = 1;
  r.syncs_per_s = r.records_per_s;
  ::close(fd);
  ::unlink(path.c_str());
  return r;
}

// The device ceiling: one thread, 8 MiB pwrite + fdatasync.
double BenchCeiling(const Args& args) {
  const std::vector<uint8_t> block = Payload(8 << 20, 99);
  Args a = args;
  Run r = BenchRaw(block.size(), 1, a);
  return r.mb_per_s;
}

std::vector<size_t> ParseList(const char* s) {
  std::vector<size_t> out;
  for (const char* p = s; *p;) {
    char* end;
    out.push_back(std::strtoull(p, &end, 10));
    p = *end == ',' ? end + 1 : end;
    if (end == p && *p) break;
  }
  return out;
}

int Main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--dir") {
      args.dir = argv[i + 1];
    } else if (k == "--seconds") {
      args.seconds = std::atof(argv[i + 1]);
    } else if (k == "--max-mb") {
      args.max_mb = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (k == "--concurrent-syncs") {
      args.concurrent_syncs = std::atoi(argv[i + 1]);
    } else if (k == "--sizes") {
      args.sizes = ParseList(argv[i + 1]);
    } else if (k == "--clients") {
      args.clients.clear();
      for (size_t c : ParseList(argv[i + 1])) args.clients.push_back(static_cast<int>(c));
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::filesystem::create_directories(args.dir);
  std::printf("== WAL vs raw pwrite+fdatasync, %s, %.1f s per run, max_concurrent_syncs %d\n",
              args.dir.c_str(), args.seconds, args.concurrent_syncs);
  std::printf("%-8s %7s %-4s %9s %10s %9s %9s %9s %10s %8s\n", "payload", "clients", "who", "MB/s",
              "records/s", "p50 ms", "p99 ms", "syncs/s", "rec/sync", "wal/raw");
  for (size_t size : args.sizes) {
    for (int clients : args.clients) {
      const Run raw = BenchRaw(size, clients, args);
      const Run wal = BenchWal(size, clients, args);
      for (const auto& [who, r] : {std::pair{"raw", raw}, std::pair{"wal", wal}}) {
        std::printf("%-8zu %7d %-4s %9.1f %10.0f %9.2f %9.2f %9.0f %10.1f", size, clients, who,
                    r.mb_per_s, r.records_per_s, r.p50_us / 1e3, r.p99_us / 1e3, r.syncs_per_s,
                    r.records_per_sync);
        if (std::string(who) == "wal") std::printf(" %7.2fx", wal.mb_per_s / raw.mb_per_s);
        std::printf("\n");
      }
      std::fflush(stdout);
    }
  }
  std::printf("device ceiling (1 thread, 8 MiB pwrite + fdatasync): %.1f MB/s\n",
              BenchCeiling(args));
  return 0;
}

}  // namespace
}  // namespace floe::wal

int main(int argc, char** argv) { return floe::wal::Main(argc, argv); }
