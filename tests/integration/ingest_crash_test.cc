// Streaming ingest, black box: `kill -9` of `floe serve` at random moments under load.
// Several clients post NDJSON batches of unique ids without ever retrying;
// the server is killed and restarted (same config, warehouse and log) several times while
// they run. At the end, after a flush and a clean shutdown, the table sink and the NDJSON
// file sink must hold every acknowledged id exactly once, and every id that was sent but
// not acknowledged at most once.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <unordered_map>

#include "ingest_harness.h"

namespace floe::ingest_test {
namespace {

constexpr int kClients = 4;
constexpr int kEventsPerClient = 30000;  // 120,000 in all
constexpr int kKills = 4;

std::string CrashConfig(const TempDir& dir) {
  return "[server]\nwarehouse = \"" + (dir / "wh") +
         "\"\n\n"
         "[[streams]]\nname = \"load\"\nfields = [\n"
         "  { name = \"id\", type = \"int64\", required = true },\n"
         "  { name = \"client\", type = \"int32\" },\n"
         "  { name = \"seq\", type = \"int64\" },\n"
         "  { name = \"pad\", type = \"string\" },\n]\n\n"
         "[[sinks]]\nname = \"load_table\"\ntable = \"crash.load\"\npartition = \"bucket(8, id)\"\n"
         "interval_seconds = 1\n\n"
         "[[sinks]]\nname = \"load_files\"\nuri = \"" +
         (dir / "files") +
         "\"\nformat = \"ndjson\"\ninterval_seconds = 1\n\n"
         "[[pipelines]]\nstream = \"load\"\nsink = \"load_table\"\n\n"
         "[[pipelines]]\nstream = \"load\"\nsink = \"load_files\"\n";
}

// What one client sent and what it learned.
struct ClientLog {
  std::vector<int64_t> acked;
  std::vector<int64_t> unacked;  // sent (at least partly) without a 200
  int64_t requests = 0, failures = 0, busy = 0;
  std::map<int, int> other_statuses;
};

TEST(IngestCrashTest, KillNineUnderLoadLosesNothingAcknowledgedAndDuplicatesNothing) {
  if (!FloeBuilt()) GTEST_SKIP() << FLOE_BINARY << " is not built";
  TempDir dir("ingest_crash");
  IngestServer server({dir.path(), CrashConfig(dir), "", {}});
  {
    auto started = server.Start();
    ASSERT_TRUE(started) << started.message();
  }

  std::atomic<int> port{server.port()};
  std::atomic<bool> up{true};
  std::atomic<int64_t> events_sent{0};
  std::atomic<bool> stop_clients{false};
  const int64_t total = int64_t{kClients} * kEventsPerClient;

  std::vector<ClientLog> logs(kClients);
  auto client_main = [&](int c) {
    ClientLog& log = logs[static_cast<size_t>(c)];
    std::mt19937_64 rng(1000 + static_cast<uint64_t>(c));
    std::unique_ptr<httplib::Client> http;
    int http_port = -1;
    int64_t seq = 0;
    const std::string pad(40 + c * 7, static_cast<char>('a' + c));
    while (seq < kEventsPerClient && !stop_clients.load()) {
      while (!up.load() && !stop_clients.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      const int p = port.load();
      if (http == nullptr || p != http_port) {
        http = std::make_unique<httplib::Client>("127.0.0.1", p);
        http->set_read_timeout(60);
        http->set_write_timeout(60);
        http->set_connection_timeout(2);
        http->set_keep_alive(true);
        http->set_tcp_nodelay(true);
        http_port = p;
      }
      const int64_t batch =
          std::min<int64_t>(50 + static_cast<int64_t>(rng() % 151), kEventsPerClient - seq);
      std::string body;
      std::vector<int64_t> ids;
      for (int64_t i = 0; i < batch; ++i, ++seq) {
        const int64_t id = int64_t{c + 1} * 1000000000 + seq;
        ids.push_back(id);
        body += "{\"id\":" + std::to_string(id) + ",\"client\":" + std::to_string(c) +
                ",\"seq\":" + std::to_string(seq) + ",\"pad\":\"" + pad + "\"}\n";
      }
      events_sent += batch;
      ++log.requests;
      auto r = http->Post("/v1/streams/load/events", body, "application/x-ndjson");
      const bool ok = r && r->status == 200 &&
                      nlohmann::json::parse(r->body, nullptr, false).value("accepted", -1) ==
                          static_cast<int>(batch);
      auto& into = ok ? log.acked : log.unacked;
      into.insert(into.end(), ids.begin(), ids.end());
      if (!r) {
        ++log.failures;
        http.reset();  // a fresh connection next time
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } else if (r->status == 429 || r->status == 503) {
        ++log.busy;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      } else if (r->status != 200) {
        ++log.other_statuses[r->status];
      }
    }
  };

  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) clients.emplace_back(client_main, c);

  // Kill at random points of the load (by events sent, so that every kill lands while the
  // clients run), then restart on the same config, warehouse and log.
  std::mt19937_64 rng(static_cast<uint64_t>(::getpid()));
  std::vector<double> points;
  for (int k = 0; k < kKills; ++k) {
    points.push_back(0.1 + 0.75 * static_cast<double>(rng() % 1000) / 1000.0);
  }
  std::sort(points.begin(), points.end());
  int kills = 0;
  std::string restart_error;
  for (double point : points) {
    while (events_sent.load() < static_cast<int64_t>(point * static_cast<double>(total))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
    server.Kill();
    up = false;
    ++kills;
    auto started = server.Start();
    if (!started) {
      restart_error = started.message();
      break;
    }
    port = server.port();
    up = true;
  }
  if (!restart_error.empty()) {
    stop_clients = true;
    up = true;
  }
  for (auto& t : clients) t.join();
  ASSERT_TRUE(restart_error.empty()) << "restart " << kills << " failed: " << restart_error;
  EXPECT_EQ(kills, kKills);

  std::vector<int64_t> acked, unacked;
  int64_t requests = 0, failures = 0, busy = 0;
  for (const ClientLog& log : logs) {
    acked.insert(acked.end(), log.acked.begin(), log.acked.end());
    unacked.insert(unacked.end(), log.unacked.begin(), log.unacked.end());
    requests += log.requests;
    failures += log.failures;
    busy += log.busy;
    for (const auto& [status, n] : log.other_statuses) {
      ADD_FAILURE() << n << " requests answered HTTP " << status << " (valid input)";
    }
  }
  std::cerr << "[ crash    ] " << kills << " kills; " << requests << " requests, " << failures
            << " without a response, " << busy << " answered 429/503; " << acked.size()
            << " events acknowledged, " << unacked.size() << " not\n";
  ASSERT_EQ(static_cast<int64_t>(acked.size() + unacked.size()), total);
  EXPECT_GT(acked.size(), 0u);

  // Commit what was acknowledged, stop cleanly, read both sinks.
  Reply flush = server.FlushAll();
  EXPECT_EQ(flush.status, 200) << flush.Describe();
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();

  auto check = [&](const std::string& what, const std::vector<int64_t>& seen_ids) {
    std::unordered_map<int64_t, int> count;
    count.reserve(seen_ids.size());
    for (int64_t id : seen_ids) ++count[id];
    std::set<int64_t> sent(acked.begin(), acked.end());
    sent.insert(unacked.begin(), unacked.end());
    int64_t lost = 0, doubled = 0, unacked_present = 0, unacked_doubled = 0, foreign = 0;
    std::string examples;
    for (int64_t id : acked) {
      const int n = count.contains(id) ? count[id] : 0;
      if (n == 0 && lost++ < 5) examples += " lost " + std::to_string(id) + ";";
      if (n > 1 && doubled++ < 5) examples += " twice " + std::to_string(id) + ";";
    }
    for (int64_t id : unacked) {
      const int n = count.contains(id) ? count[id] : 0;
      if (n >= 1) ++unacked_present;
      if (n > 1 && unacked_doubled++ < 5) examples += " unacked twice " + std::to_string(id) + ";";
    }
    for (const auto& [id, n] : count) {
      if (!sent.contains(id) && foreign++ < 5)
        examples += " never sent " + std::to_string(id) + ";";
    }
    std::cerr << "[ crash    ] " << what << ": " << seen_ids.size() << " rows; " << unacked_present
              << " of " << unacked.size() << " unacknowledged ids present\n";
    EXPECT_EQ(lost, 0) << what << ": acknowledged ids missing;" << examples;
    EXPECT_EQ(doubled, 0) << what << ": acknowledged ids written twice;" << examples;
    EXPECT_EQ(unacked_doubled, 0) << what << ": unacknowledged ids written twice;" << examples;
    EXPECT_EQ(foreign, 0) << what << ":" << examples;
  };

  std::vector<int64_t> table_ids;
  {
    CliRun r =
        RunFloe({"table", "scan", "crash.load", "--warehouse", dir / "wh", "--columns", "id"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) table_ids.push_back(std::atoll(line.c_str() + colon + 1));
    }
  }
  check("table crash.load", table_ids);

  std::vector<int64_t> file_ids;
  for (const Json& row : ReadNdjsonFiles(FilesUnder(dir / "files", ".ndjson"))) {
    file_ids.push_back(row.value("id", int64_t{-1}));
  }
  check("NDJSON file sink", file_ids);
}

}  // namespace
}  // namespace floe::ingest_test
