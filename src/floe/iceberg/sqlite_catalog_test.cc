#include "floe/iceberg/sqlite_catalog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "floe/io/fault_store.h"
#include "floe/io/memory_store.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

SnapshotRef Branch(int64_t snapshot_id) {
  SnapshotRef r;
  r.snapshot_id = snapshot_id;
  return r;
}

class IcebergCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           fmt::format("floe_catalog_test_{}_{}", ::getpid(), counter.fetch_add(1));
    fs::remove_all(dir_);
    options_.warehouse = dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SqliteCatalog> Open() {
    auto c = SqliteCatalog::Open(options_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  static CreateTableRequest Request() {
    CreateTableRequest req;
    req.schema = Schema(0, {MakeField(1, "id", types::Long(), true),
                            MakeField(2, "ts", types::TimestampTz(), false)});
    req.spec.fields.push_back(PartitionField{2, {}, 1000, "ts_day", *Transform::Parse("day")});
    return req;
  }

  std::vector<std::string> MetadataFiles(const std::string& table_dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ / table_dir / "metadata")) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  SqliteCatalogOptions options_;
};

TEST_F(IcebergCatalogTest, Namespaces) {
  auto cat = Open();
  ASSERT_TRUE(cat);
  EXPECT_EQ(cat->database_path(), (dir_ / "floe-catalog.db").string());
  ASSERT_TRUE(cat->CreateNamespace({"a"}, {{"owner", "x"}}).ok());
  ASSERT_TRUE(cat->CreateNamespace({"a", "b"}, {}).ok());
  ASSERT_TRUE(cat->CreateNamespace({"c"}, {}).ok());
  EXPECT_TRUE(cat->CreateNamespace({"a"}, {}).IsAlreadyExists());
  EXPECT_FALSE(cat->CreateNamespace({"x.y"}, {}).ok());

  auto top = cat->ListNamespaces({});
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(*top, (std::vector<Namespace>{{"a"}, {"c"}}));
  auto under = cat->ListNamespaces({"a"});
  ASSERT_TRUE(under.ok());
  EXPECT_EQ(*under, (std::vector<Namespace>{{"a", "b"}}));

  auto props = cat->LoadNamespaceProperties({"a"});
  ASSERT_TRUE(props.ok());
  EXPECT_EQ(*props, (Properties{{"owner", "x"}}));
  ASSERT_TRUE(cat->UpdateNamespaceProperties({"a"}, {{"k", "v"}}, {"owner"}).ok());
  EXPECT_EQ(*cat->LoadNamespaceProperties({"a"}), (Properties{{"k", "v"}}));
  EXPECT_TRUE(cat->LoadNamespaceProperties({"zz"}).status().IsNotFound());

  EXPECT_EQ(cat->DropNamespace({"a"}).code(), StatusCode::kInvalidArgument);  // has a child
  ASSERT_TRUE(cat->DropNamespace({"a", "b"}).ok());
  ASSERT_TRUE(cat->DropNamespace({"a"}).ok());
  EXPECT_TRUE(cat->DropNamespace({"a"}).IsNotFound());

  // A second connection sees the same state.
  auto other = Open();
  EXPECT_EQ(*other->ListNamespaces({}), (std::vector<Namespace>{{"c"}}));
}

TEST_F(IcebergCatalogTest, CreateLoadCommitDropRename) {
  auto cat = Open();
  ASSERT_TRUE(cat->CreateNamespace({"ns"}, {}).ok());
  const TableIdentifier id{{"ns"}, "t"};
  EXPECT_TRUE(cat->CreateTable({{"nope"}, "t"}, Request()).status().IsNotFound());
  auto created = cat->CreateTable(id, Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata.location, "file://" + (dir_ / "ns" / "t").string());
  EXPECT_EQ(ParseMetadataVersion(created->metadata_location), 0);
  EXPECT_TRUE(cat->CreateTable(id, Request()).status().IsAlreadyExists());
  EXPECT_EQ(cat->DropNamespace({"ns"}).code(), StatusCode::kInvalidArgument);

  auto loaded = cat->LoadTable(id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata, created->metadata);
  EXPECT_EQ(*cat->ListTables({"ns"}), std::vector<TableIdentifier>{id});

  auto committed = cat->CommitTable(id, {AssertTableUuid{loaded->metadata.table_uuid}},
                                    {SetProperties{{{"k", "v"}}}});
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(ParseMetadataVersion(committed->metadata_location), 1);
  EXPECT_EQ(committed->metadata.properties.at("k"), "v");
  ASSERT_EQ(committed->metadata.metadata_log.size(), 1u);
  EXPECT_EQ(committed->metadata.metadata_log[0].metadata_file, created->metadata_location);
  // The file on disk is what LoadTable returns.
  EXPECT_EQ(cat->LoadTable(id)->metadata, committed->metadata);
  EXPECT_EQ(MetadataFiles("ns/t").size(), 2u);

  // A failed requirement is a retryable conflict and writes nothing.
  auto conflict =
      cat->CommitTable(id, {AssertRefSnapshotId{"main", 1}}, {SetProperties{{{"x", "y"}}}});
  EXPECT_EQ(conflict.status().code(), StatusCode::kCommitConflict);
  EXPECT_TRUE(conflict.status().retryable());
  EXPECT_EQ(MetadataFiles("ns/t").size(), 2u);
  // An invalid update is InvalidArgument.
  EXPECT_EQ(cat->CommitTable(id, {}, {SetDefaultSpec{9}}).status().code(),
            StatusCode::kInvalidArgument);

  ASSERT_TRUE(cat->CreateNamespace({"other"}, {}).ok());
  const TableIdentifier moved{{"other"}, "t2"};
  ASSERT_TRUE(cat->RenameTable(id, moved).ok());
  EXPECT_TRUE(cat->LoadTable(id).status().IsNotFound());
  EXPECT_TRUE(cat->LoadTable(moved).ok());
  EXPECT_TRUE(cat->RenameTable(id, moved).IsNotFound());

  ASSERT_TRUE(cat->DropTable(moved, /*purge=*/true).ok());
  EXPECT_TRUE(cat->LoadTable(moved).status().IsNotFound());
  EXPECT_TRUE(MetadataFiles("ns/t").empty());
  EXPECT_TRUE(cat->DropTable(moved, false).IsNotFound());
}

TEST_F(IcebergCatalogTest, OldMetadataDeletedPerTableProperties) {
  auto cat = Open();
  ASSERT_TRUE(cat->CreateNamespace({"ns"}, {}).ok());
  const TableIdentifier id{{"ns"}, "t"};
  CreateTableRequest req = Request();
  req.properties = {{"write.metadata.delete-after-commit.enabled", "true"},
                    {"write.metadata.previous-versions-max", "2"}};
  ASSERT_TRUE(cat->CreateTable(id, req).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(cat->CommitTable(id, {}, {SetProperties{{{"i", std::to_string(i)}}}}).ok());
  }
  // Current (version 5) plus the two previous versions.
  auto files = MetadataFiles("ns/t");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].substr(0, 6), "00003-");
  EXPECT_EQ(files[2].substr(0, 6), "00005-");

  // Without the property nothing is deleted.
  const TableIdentifier keep{{"ns"}, "keep"};
  ASSERT_TRUE(cat->CreateTable(keep, Request()).ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(cat->CommitTable(keep, {}, {SetProperties{{{"i", "x"}}}}).ok());
  EXPECT_EQ(MetadataFiles("ns/keep").size(), 4u);
}

TEST_F(IcebergCatalogTest, NonLocalWarehouseKeepsDatabaseLocally) {
  options_.warehouse = fmt::format("memory://catalog-test-{}", ::getpid());
  options_.database_path = (dir_ / "state" / "cat.db").string();
  auto cat = Open();
  ASSERT_TRUE(cat);
  EXPECT_TRUE(fs::exists(dir_ / "state" / "cat.db"));
  ASSERT_TRUE(cat->CreateNamespace({"ns"}, {}).ok());
  auto t = cat->CreateTable({{"ns"}, "t"}, Request());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->metadata.location, options_.warehouse + "/ns/t");
  auto r = io::ResolveUri(t->metadata_location);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->store->Head(r->key).ok());
}

// Appends from several threads, each with its own connection, through CommitWithRetry:
// every commit lands exactly once, on a linear history.
TEST_F(IcebergCatalogTest, ConcurrentCommitsLandExactlyOnce) {
  {
    auto cat = Open();
    ASSERT_TRUE(cat->CreateNamespace({"ns"}, {}).ok());
    ASSERT_TRUE(cat->CreateTable({{"ns"}, "t"}, Request()).ok());
  }
  const TableIdentifier id{{"ns"}, "t"};
  constexpr int kThreads = 4;
  constexpr int kCommits = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto cat = Open();
      if (!cat) {
        ++failures;
        return;
      }
      for (int i = 0; i < kCommits; ++i) {
        const int64_t snapshot_id = (t + 1) * 1000 + i;
        auto r = CommitWithRetry(
            *cat, id,
            [&](const LoadedTable& cur) -> Result<TableCommit> {
              Snapshot s;
              s.snapshot_id = snapshot_id;
              s.parent_snapshot_id = cur.metadata.current_snapshot_id;
              s.sequence_number = cur.metadata.last_sequence_number + 1;
              s.timestamp_ms = NowMs();
              s.manifest_list = cur.metadata.location + "/metadata/snap.avro";
              s.summary = {{"operation", "append"}};
              TableCommit c;
              c.requirements = {AssertRefSnapshotId{"main", cur.metadata.current_snapshot_id}};
              c.updates = {AddSnapshot{s}, SetSnapshotRef{"main", Branch(snapshot_id)}};
              return c;
            },
            CommitRetryOptions{200, 1, 50, 120000});
        if (!r.ok()) {
          ADD_FAILURE() << r.status().ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  auto cat = Open();
  auto t = cat->LoadTable(id);
  ASSERT_TRUE(t.ok());
  const TableMetadata& m = t->metadata;
  ASSERT_EQ(m.snapshots.size(), static_cast<size_t>(kThreads * kCommits));
  std::set<int64_t> ids;
  for (const Snapshot& s : m.snapshots) ids.insert(s.snapshot_id);
  EXPECT_EQ(ids.size(), m.snapshots.size());
  // Walk the parent chain from the current snapshot: it covers every snapshot once.
  size_t chain = 0;
  std::optional<int64_t> cur = m.current_snapshot_id;
  int64_t expected_seq = kThreads * kCommits;
  while (cur) {
    const Snapshot* s = m.SnapshotById(*cur);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->sequence_number, expected_seq--);
    ++chain;
    cur = s->parent_snapshot_id;
  }
  EXPECT_EQ(chain, m.snapshots.size());
  EXPECT_EQ(m.snapshot_log.size(), m.snapshots.size());
  EXPECT_EQ(ParseMetadataVersion(t->metadata_location), kThreads * kCommits);
}

// A failure at any step before the pointer swap leaves the table at its previous
// version, readable, and with no stray metadata file.
TEST_F(IcebergCatalogTest, FailureBeforeSwapLeavesTableUnchanged) {
  const std::string authority = fmt::format("faultcat-{}", ::getpid());
  auto fault = std::make_shared<io::FaultStore>(std::make_shared<io::MemoryStore>(authority));
  io::ObjectStoreRegistry::Default().Mount("memory", authority, fault);
  options_.warehouse = "memory://" + authority;
  options_.database_path = (dir_ / "cat.db").string();
  auto cat = Open();
  ASSERT_TRUE(cat);
  ASSERT_TRUE(cat->CreateNamespace({"ns"}, {}).ok());
  const TableIdentifier id{{"ns"}, "t"};
  auto created = cat->CreateTable(id, Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  for (io::FaultStore::Op op : {io::FaultStore::Op::kRead, io::FaultStore::Op::kPutIfAbsent}) {
    fault->FailNth(op, 1);
    auto r = cat->CommitTable(id, {}, {SetProperties{{{"k", "v"}}}});
    EXPECT_EQ(r.status().code(), StatusCode::kIOError);
    fault->ClearFaults();
    auto t = cat->LoadTable(id);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->metadata_location, created->metadata_location);
    EXPECT_EQ(t->metadata, created->metadata);
  }
  auto listed = fault->inner().List("ns/t/metadata/");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  auto ok = cat->CommitTable(id, {}, {SetProperties{{{"k", "v"}}}});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ParseMetadataVersion(ok->metadata_location), 1);
  io::ObjectStoreRegistry::Default().Unmount("memory", authority);
}

TEST(IcebergCatalogNames, ParseIdentifiersAndVersions) {
  auto id = TableIdentifier::Parse("a.b.t");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ns, (Namespace{"a", "b"}));
  EXPECT_EQ(id->name, "t");
  EXPECT_EQ(id->ToString(), "a.b.t");
  EXPECT_FALSE(TableIdentifier::Parse("t").ok());
  EXPECT_FALSE(TableIdentifier::Parse("a..t").ok());
  EXPECT_FALSE(TableIdentifier::Parse("a.").ok());
  EXPECT_EQ(ParseMetadataVersion("s3://b/t/metadata/00012-abc.metadata.json"), 12);
  EXPECT_EQ(ParseMetadataVersion("/t/metadata/v3.metadata.json"), 3);
  EXPECT_EQ(ParseMetadataVersion("/t/metadata/abc.metadata.json"), -1);
  EXPECT_EQ(MetadataFileLocation("s3://b/t", 7).substr(0, 24), "s3://b/t/metadata/00007-");
}

}  // namespace
}  // namespace floe::iceberg
