#include "floe/wal/wal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "floe/wal/crc32c.h"
#include "floe/wal/wal_format.h"
#include "floe/wal/wal_reader.h"

namespace floe::wal {
namespace {

namespace fs = std::filesystem;

// A payload that identifies itself: 8-byte key, then bytes derived from the key, so a
// reader can check it without keeping the original.
std::vector<uint8_t> MakePayload(uint64_t key, size_t size) {
  size = std::max<size_t>(size, 8);
  std::vector<uint8_t> p(size);
  std::memcpy(p.data(), &key, 8);
  uint64_t x = key * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 8; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = static_cast<uint8_t>(x);
  }
  return p;
}

uint64_t KeyOf(std::span<const uint8_t> p) {
  uint64_t k = 0;
  if (p.size() >= 8) std::memcpy(&k, p.data(), 8);
  return k;
}

bool PayloadIsIntact(std::span<const uint8_t> p) {
  const auto want = MakePayload(KeyOf(p), p.size());
  return p.size() >= 8 && std::equal(p.begin(), p.end(), want.begin());
}

struct Read {
  WalRecord rec;
  std::vector<uint8_t> payload;
};

Result<std::vector<Read>> ReadAll(const std::string& dir, Lsn from = 0,
                                  WalReaderOptions options = {}) {
  FLOE_ASSIGN_OR_RETURN(auto reader, WalReader::Open(dir, from, options));
  std::vector<Read> out;
  WalRecord r;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(bool more, reader->Next(&r));
    if (!more) break;
    out.push_back({r, std::vector<uint8_t>(r.payload.begin(), r.payload.end())});
  }
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void Spit(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/floe_wal_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string SegmentPath(Lsn base) const { return dir_ + "/" + SegmentFileName(base); }

  std::string dir_;
};

TEST(WalFormatTest, SegmentNames) {
  EXPECT_EQ(SegmentFileName(0), "0000000000000000.wal");
  EXPECT_EQ(SegmentFileName(0xa0000), "00000000000a0000.wal");
  EXPECT_EQ(ParseSegmentFileName("00000000000a0000.wal"), 0xa0000u);
  EXPECT_EQ(ParseSegmentFileName("ffffffffffffffff.wal"), ~uint64_t{0});
  EXPECT_FALSE(ParseSegmentFileName("00000000000A0000.wal"));
  EXPECT_FALSE(ParseSegmentFileName("00000000000a0000.wal.tmp"));
  EXPECT_FALSE(ParseSegmentFileName("0000000000a0000.wal"));
}

TEST(WalFormatTest, RecordLayoutByHand) {
  const std::vector<uint8_t> payload = {'a', 'b', 'c'};
  uint8_t h[kRecordHeaderSize];
  EncodeRecordHeader(Crc32c(payload), 3, 0x01020304u, 0x1122334455667788ull, h);
  // Fields at their documented offsets, little-endian.
  const uint8_t want_fields[20] = {3, 0, 0,    0,    1,    0,    0,    0,    4,    3,
                                   2, 1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  EXPECT_EQ(std::memcmp(h + 4, want_fields, 20), 0);
  // The CRC covers the payload, then header bytes [4,24).
  std::vector<uint8_t> covered = payload;
  covered.insert(covered.end(), h + 4, h + 24);
  const uint32_t crc = Crc32c(covered);
  EXPECT_EQ(h[0] | h[1] << 8 | h[2] << 16 | static_cast<uint32_t>(h[3]) << 24, crc);

  std::vector<uint8_t> rec(h, h + kRecordHeaderSize);
  rec.insert(rec.end(), payload.begin(), payload.end());
  DecodedRecord d = DecodeRecord(rec, 0x1122334455667788ull, 100);
  ASSERT_EQ(d.check, RecordCheck::kOk) << d.problem;
  EXPECT_EQ(d.record.stream_id, 0x01020304u);
  EXPECT_EQ(d.record.payload.size(), 3u);
  EXPECT_EQ(DecodeRecord(rec, 5, 100).check, RecordCheck::kCorrupt);  // wrong position
  EXPECT_EQ(DecodeRecord(rec, 0x1122334455667788ull, 2).check, RecordCheck::kCorrupt);
  EXPECT_EQ(DecodeRecord(std::span(rec).first(26), 0x1122334455667788ull, 100).check,
            RecordCheck::kTruncated);
  for (size_t i = 0; i < rec.size(); ++i) {
    auto bad = rec;
    bad[i] ^= 0x10;
    EXPECT_NE(DecodeRecord(bad, 0x1122334455667788ull, 100).check, RecordCheck::kOk) << i;
  }
  const std::vector<uint8_t> zeros(40, 0);
  EXPECT_EQ(DecodeRecord(zeros, 0, 100).check, RecordCheck::kZero);
}

TEST(WalFormatTest, SegmentHeader) {
  uint8_t h[kSegmentHeaderSize];
  EncodeSegmentHeader(0xabcdef, h);
  EXPECT_EQ(std::memcmp(h, "floeWAL\n", 8), 0);
  auto base = DecodeSegmentHeader(std::span<const uint8_t>(h, sizeof h), "x");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(*base, 0xabcdefu);
  for (size_t i = 0; i < sizeof h; ++i) {
    uint8_t bad[kSegmentHeaderSize];
    std::memcpy(bad, h, sizeof h);
    bad[i] ^= 1;
    EXPECT_TRUE(DecodeSegmentHeader(std::span<const uint8_t>(bad, sizeof bad), "x")
                    .status()
                    .Is(StatusCode::kCorruption))
        << i;
  }
}

TEST_F(WalTest, RoundTripAcrossSegmentRolls) {
  WalOptions opt;
  opt.segment_bytes = 4096;
  std::vector<WalPosition> pos;
  std::vector<uint64_t> keys;
  std::mt19937_64 rng(1);
  {
    auto wal = Wal::Open(dir_, opt);
    ASSERT_TRUE(wal.ok()) << wal.status().ToString();
    EXPECT_EQ((*wal)->recovery().segments, 0u);
    for (uint64_t i = 0; i < 300; ++i) {
      // Mostly small; one larger than a segment, and one empty-ish record.
      const size_t size = i == 100 ? 10000 : i == 7 ? 8 : 8 + rng() % 1500;
      auto p = MakePayload(i, size);
      auto r = (*wal)->AppendDurable(static_cast<uint32_t>(i % 5), p);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (!pos.empty()) {
        EXPECT_GE(r->lsn, pos.back().end_lsn);
      }
      EXPECT_EQ(r->end_lsn - r->lsn, kRecordHeaderSize + p.size());
      pos.push_back(*r);
      keys.push_back(i);
    }
    EXPECT_EQ((*wal)->durable_lsn(), pos.back().end_lsn);
    EXPECT_GT((*wal)->stats().segments_created, 20u);
  }
  auto segments = ListSegments(dir_);
  ASSERT_TRUE(segments.ok());
  EXPECT_GT(segments->size(), 20u);

  auto all = ReadAll(dir_);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), pos.size());
  for (size_t i = 0; i < pos.size(); ++i) {
    const Read& r = (*all)[i];
    EXPECT_EQ(r.rec.lsn, pos[i].lsn);
    EXPECT_EQ(r.rec.end_lsn, pos[i].end_lsn);
    EXPECT_EQ(r.rec.stream_id, i % 5);
    EXPECT_EQ(KeyOf(r.payload), keys[i]);
    EXPECT_TRUE(PayloadIsIntact(r.payload));
  }
  // From a committed position (the end of record 149) and from a record's own LSN.
  auto tail = ReadAll(dir_, pos[149].end_lsn);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  ASSERT_EQ(tail->size(), 150u);
  EXPECT_EQ(KeyOf(tail->front().payload), 150u);
  auto from_lsn = ReadAll(dir_, pos[10].lsn);
  ASSERT_TRUE(from_lsn.ok());
  EXPECT_EQ(from_lsn->size(), 290u);
  // Bounded by end_lsn.
  WalReaderOptions bounded;
  bounded.end_lsn = pos[20].end_lsn;
  auto head = ReadAll(dir_, 0, bounded);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size(), 21u);
  // From inside a record.
  EXPECT_FALSE(ReadAll(dir_, pos[10].lsn + 3).ok());

  // Reopen: appending resumes where the log ended.
  auto wal = Wal::Open(dir_, opt);
  ASSERT_TRUE(wal.ok()) << wal.status().ToString();
  EXPECT_FALSE((*wal)->recovery().tail_cut);
  EXPECT_EQ((*wal)->recovery().end_lsn, pos.back().end_lsn);
  auto r = (*wal)->AppendDurable(9, MakePayload(1000, 50));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->lsn, pos.back().end_lsn);
}

// 8 threads x 10k durable appends: every record present exactly once, each thread's in
// its order, at the LSN its append returned. Without fdatasync (this disk takes 4-8 ms per
// sync, which would make this test take minutes); GroupCommitSharesFsyncs syncs.
TEST_F(WalTest, ConcurrentAppendersExactlyOnceInOrder) {
  WalOptions opt;
  opt.segment_bytes = 1 << 20;
  opt.sync = false;
  constexpr int kThreads = 8;
  constexpr uint64_t kPerThread = 10000;
  std::vector<std::vector<WalPosition>> got(kThreads);
  std::atomic<bool> failed{false};
  {
    auto wal = Wal::Open(dir_, opt);
    ASSERT_TRUE(wal.ok()) << wal.status().ToString();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (uint64_t i = 0; i < kPerThread; ++i) {
          const uint64_t key = static_cast<uint64_t>(t) << 32 | i;
          auto r = (*wal)->AppendDurable(static_cast<uint32_t>(t), MakePayload(key, 16 + i % 200));
          if (!r.ok()) {
            failed = true;
            return;
          }
          got[t].push_back(*r);
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_FALSE(failed);
    EXPECT_EQ((*wal)->stats().records_appended, kThreads * kPerThread);
    EXPECT_GT((*wal)->stats().segments_created, 10u);
  }
  auto all = ReadAll(dir_);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), kThreads * kPerThread);
  std::map<Lsn, uint64_t> by_lsn;  // the appenders' view: position -> key
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t i = 0; i < kPerThread; ++i) by_lsn[got[t][i].lsn] = uint64_t(t) << 32 | i;
  }
  ASSERT_EQ(by_lsn.size(), kThreads * kPerThread);  // positions are unique
  std::vector<uint64_t> next(kThreads, 0);
  Lsn prev = 0;
  for (const Read& r : *all) {
    EXPECT_GT(r.rec.lsn, prev);
    prev = r.rec.lsn;
    ASSERT_TRUE(PayloadIsIntact(r.payload));
    const uint64_t key = KeyOf(r.payload);
    const auto t = static_cast<int>(key >> 32);
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(r.rec.stream_id, static_cast<uint32_t>(t));
    EXPECT_EQ(key & 0xFFFFFFFF, next[t]++);  // each thread's records once, in its order
    EXPECT_EQ(by_lsn[r.rec.lsn], key);
  }
}

// With real fdatasync, concurrent appenders share syncs: fewer syncs than records, and
// syncs that covered several records. With one sync at a time (classic group commit) the
// sharing is strong; with several in flight it is weaker but still there.
class GroupCommitTest : public WalTest, public ::testing::WithParamInterface<int> {};

TEST_P(GroupCommitTest, SharesFsyncs) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  WalOptions opt;
  opt.max_concurrent_syncs = GetParam();
  auto wal = Wal::Open(dir_, opt);
  ASSERT_TRUE(wal.ok()) << wal.status().ToString();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!(*wal)->AppendDurable(0, MakePayload(uint64_t(t) << 32 | i, 1000)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  const WalStats s = (*wal)->stats();
  EXPECT_EQ(s.records_appended, uint64_t{kThreads * kPerThread});
  EXPECT_LT(s.syncs, GetParam() == 1 ? s.records_appended / 2 : s.records_appended);
  EXPECT_GT(s.max_group_records, 1u);
  uint64_t rounds = 0, timed = 0, grouped = 0;
  for (size_t i = 0; i < s.group_records_log2.size(); ++i) {
    rounds += s.group_records_log2[i];
    grouped += i > 0 ? s.group_records_log2[i] : 0;
  }
  for (size_t i = 0; i < s.sync_micros_log2.size(); ++i) timed += s.sync_micros_log2[i];
  EXPECT_GT(grouped, 0u);
  EXPECT_LE(rounds, s.syncs);  // syncs that advanced the durable position
  EXPECT_EQ(timed, s.syncs);   // every sync timed
}

INSTANTIATE_TEST_SUITE_P(ConcurrentSyncs, GroupCommitTest, ::testing::Values(1, 4));

// Writes 10 records into one segment and returns their positions.
std::vector<WalPosition> WriteTen(const std::string& dir, const WalOptions& opt) {
  std::vector<WalPosition> pos;
  auto wal = Wal::Open(dir, opt);
  EXPECT_TRUE(wal.ok()) << wal.status().ToString();
  for (uint64_t i = 0; i < 10; ++i) {
    auto r = (*wal)->AppendDurable(1, MakePayload(i, i == 9 ? 300 : 100));
    EXPECT_TRUE(r.ok());
    pos.push_back(*r);
  }
  return pos;
}

void ExpectRecoversToNine(const std::string& dir, const WalOptions& opt,
                          const std::vector<WalPosition>& pos, const std::string& what) {
  SCOPED_TRACE(what);
  {
    auto wal = Wal::Open(dir, opt);
    ASSERT_TRUE(wal.ok()) << wal.status().ToString();
    EXPECT_EQ((*wal)->recovery().end_lsn, pos[8].end_lsn);
    auto r = (*wal)->AppendDurable(2, MakePayload(77, 40));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->lsn, pos[8].end_lsn);
  }
  auto all = ReadAll(dir);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 10u);
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(KeyOf((*all)[i].payload), i);
    EXPECT_TRUE(PayloadIsIntact((*all)[i].payload));
  }
  EXPECT_EQ(KeyOf((*all)[9].payload), 77u);
  EXPECT_EQ((*all)[9].payload.size(), 40u);
}

TEST_F(WalTest, TornTailAtEveryOffsetOfTheLastRecord) {
  WalOptions opt;
  opt.segment_bytes = 8192;
  const auto pos = WriteTen(dir_, opt);
  const std::string seg = SegmentPath(0);
  const std::string original = Slurp(seg);
  const size_t start = pos[9].lsn, end = pos[9].end_lsn;  // base 0: LSN == file offset
  ASSERT_LE(end, original.size());
  std::mt19937_64 rng(3);
  for (size_t cut = start; cut < end; ++cut) {
    // The file ends inside the last record (a crash before the write completed).
    Spit(seg, original.substr(0, cut));
    ExpectRecoversToNine(dir_, opt, pos, "truncated at " + std::to_string(cut));
    // The record's bytes from `cut` on are garbage (a torn page), the file keeps its size.
    std::string torn = original;
    for (size_t i = cut; i < end; ++i) torn[i] = static_cast<char>(rng());
    Spit(seg, torn);
    ExpectRecoversToNine(dir_, opt, pos, "garbage from " + std::to_string(cut));
  }
}

TEST_F(WalTest, BitFlipInLastRecordIsCut) {
  WalOptions opt;
  opt.segment_bytes = 8192;
  const auto pos = WriteTen(dir_, opt);
  const std::string seg = SegmentPath(0);
  std::string bytes = Slurp(seg);
  bytes[(pos[9].lsn + pos[9].end_lsn) / 2] ^= 0x04;
  Spit(seg, bytes);
  {
    auto wal = Wal::Open(dir_, opt);
    ASSERT_TRUE(wal.ok());
    EXPECT_TRUE((*wal)->recovery().tail_cut);
    EXPECT_EQ((*wal)->recovery().cut_offset, pos[9].lsn);
    EXPECT_NE((*wal)->recovery().cut_reason.find("CRC"), std::string::npos);
  }
  // The cut is durable: the bytes past the last good record are now zeros.
  const std::string after = Slurp(seg);
  ASSERT_GE(after.size(), pos[9].end_lsn);
  EXPECT_EQ(after.find_first_not_of('\0', pos[8].end_lsn), std::string::npos);
  ExpectRecoversToNine(dir_, opt, pos, "bit flip");
}

TEST_F(WalTest, CorruptionInOlderSegmentIsAnError) {
  WalOptions opt;
  opt.segment_bytes = 4096;
  std::vector<WalPosition> pos;
  {
    auto wal = Wal::Open(dir_, opt);
    ASSERT_TRUE(wal.ok());
    for (uint64_t i = 0; i < 40; ++i) {
      auto r = (*wal)->AppendDurable(1, MakePayload(i, 500));
      ASSERT_TRUE(r.ok());
      pos.push_back(*r);
    }
  }
  auto segs = ListSegments(dir_);
  ASSERT_TRUE(segs.ok());
  ASSERT_GE(segs->size(), 3u);
  // Flip a payload byte of the second record of the second segment.
  const SegmentFile& victim = (*segs)[1];
  std::string bytes = Slurp(victim.path);
  const size_t off = kSegmentHeaderSize + (kRecordHeaderSize + 500) + kRecordHeaderSize + 100;
  bytes[off] ^= 0x01;
  Spit(victim.path, bytes);

  WalOptions verify = opt;
  verify.verify_all_segments_on_open = true;
  auto bad = Wal::Open(dir_, verify);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().Is(StatusCode::kCorruption));
  const std::string record_offset = std::to_string(kSegmentHeaderSize + kRecordHeaderSize + 500);
  EXPECT_NE(bad.status().message().find(SegmentFileName(victim.base)), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("offset " + record_offset), std::string::npos)
      << bad.status().ToString();

  // Without the full check Open succeeds (only the last segment is scanned), and the
  // reader reports the damage when it gets there instead of dropping records.
  {
    auto wal = Wal::Open(dir_, opt);
    ASSERT_TRUE(wal.ok()) << wal.status().ToString();
    EXPECT_EQ((*wal)->recovery().end_lsn, pos.back().end_lsn);
  }
  auto all = ReadAll(dir_);
  ASSERT_FALSE(all.ok());
  EXPECT_TRUE(all.status().Is(StatusCode::kCorruption));
  EXPECT_NE(all.status().message().find(SegmentFileName(victim.base)), std::string::npos);

  // A missing middle segment (a gap) is also Corruption, not a silent skip.
  fs::remove((*segs)[1].path);
  EXPECT_TRUE(Wal::Open(dir_, opt).status().Is(StatusCode::kCorruption));
}

TEST_F(WalTest, ReleaseUpToRemovesOnlyFullyReleasedSegments) {
  WalOptions opt;
  opt.segment_bytes = 4096;
  std::vector<WalPosition> pos;
  auto wal_or = Wal::Open(dir_, opt);
  ASSERT_TRUE(wal_or.ok());
  Wal& wal = **wal_or;
  for (uint64_t i = 0; i < 40; ++i) {
    auto r = wal.AppendDurable(1, MakePayload(i, 900));  // 4 records per segment
    ASSERT_TRUE(r.ok());
    pos.push_back(*r);
  }
  auto segs = ListSegments(dir_);
  ASSERT_TRUE(segs.ok());
  const size_t n = segs->size();
  ASSERT_GE(n, 5u);
  const Lsn b1 = (*segs)[1].base, b2 = (*segs)[2].base;

  // Inside segment 1: only segment 0 goes.
  ASSERT_TRUE(wal.ReleaseUpTo(b1 + 100).ok());
  auto left = ListSegments(dir_);
  ASSERT_EQ(left->size(), n - 1);
  EXPECT_EQ(left->front().base, b1);
  // Exactly at the end of segment 1 (== the base of segment 2): it goes too.
  ASSERT_TRUE(wal.ReleaseUpTo(b2).ok());
  left = ListSegments(dir_);
  ASSERT_EQ(left->size(), n - 2);
  EXPECT_EQ(left->front().base, b2);
  // Going backwards deletes nothing; past the durable end is refused.
  ASSERT_TRUE(wal.ReleaseUpTo(b1).ok());
  EXPECT_EQ(ListSegments(dir_)->size(), n - 2);
  EXPECT_TRUE(wal.ReleaseUpTo(wal.durable_lsn() + 1).Is(StatusCode::kInvalidArgument));
  EXPECT_EQ(wal.UnreleasedBytes(), wal.next_lsn() - b2);
  EXPECT_EQ(wal.SizeBytes(), wal.next_lsn() - b2);
  // Released positions can no longer be read; later ones can.
  EXPECT_TRUE(ReadAll(dir_, pos[0].lsn).status().IsNotFound());
  auto rest = ReadAll(dir_, b2);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->back().rec.end_lsn, pos.back().end_lsn);
  // Releasing everything keeps the segment being written.
  ASSERT_TRUE(wal.ReleaseUpTo(wal.durable_lsn()).ok());
  EXPECT_EQ(ListSegments(dir_)->size(), 1u);
  EXPECT_EQ(wal.UnreleasedBytes(), 0u);
  EXPECT_EQ(wal.stats().segments_deleted, n - 1);
}

TEST_F(WalTest, RestartKeepsLsnMonotonic) {
  WalOptions opt;
  opt.segment_bytes = 4096;
  Lsn last_end = 0;
  for (int round = 0; round < 4; ++round) {
    auto wal = Wal::Open(dir_, opt);
    ASSERT_TRUE(wal.ok());
    EXPECT_EQ((*wal)->next_lsn(), round == 0 ? kSegmentHeaderSize : last_end);
    for (int i = 0; i < 10; ++i) {
      auto r = (*wal)->AppendDurable(0, MakePayload(i, 700));
      ASSERT_TRUE(r.ok());
      EXPECT_GE(r->lsn, last_end);
      last_end = r->end_lsn;
    }
    // Even with every segment released, the position carries over.
    ASSERT_TRUE((*wal)->ReleaseUpTo(last_end).ok());
  }
}

TEST_F(WalTest, AppendThenWaitDurableAndLimits) {
  WalOptions opt;
  opt.segment_bytes = 1 << 16;
  opt.max_record_bytes = 1000;
  opt.max_pending_bytes = 2000;  // forces appenders to wait for the flusher
  auto wal = Wal::Open(dir_, opt);
  ASSERT_TRUE(wal.ok());
  EXPECT_TRUE((*wal)->Append(0, MakePayload(1, 1001)).status().Is(StatusCode::kInvalidArgument));
  WalPosition last;
  for (uint64_t i = 0; i < 200; ++i) {
    auto r = (*wal)->Append(3, MakePayload(i, 900));
    ASSERT_TRUE(r.ok());
    last = *r;
  }
  ASSERT_TRUE((*wal)->WaitDurable(last.end_lsn).ok());
  EXPECT_GE((*wal)->durable_lsn(), last.end_lsn);
  EXPECT_TRUE((*wal)->WaitDurable(last.end_lsn + 1).Is(StatusCode::kInvalidArgument));
  WalReaderOptions ro;
  ro.end_lsn = (*wal)->durable_lsn();  // reading a live log
  auto all = ReadAll(dir_, 0, ro);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 200u);
  for (uint64_t i = 0; i < 200; ++i) EXPECT_EQ(KeyOf((*all)[i].payload), i);
}

// A child process appends durably from 4 threads and reports each acknowledged record
// (its key and LSN) through a pipe; the parent kills it with SIGKILL at a random moment,
// reopens the log and checks that every acknowledged record is there, intact. (A process
// crash: the page cache survives; power loss is not simulated.)
TEST_F(WalTest, KillNineKeepsEveryAcknowledgedRecord) {
  std::mt19937_64 rng(std::random_device{}());
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    WalOptions opt;
    opt.segment_bytes = 256 << 10;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto wal = Wal::Open(dir_, opt);
      if (!wal.ok()) ::_exit(2);
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
          for (uint64_t i = 0;; ++i) {
            const uint64_t key = uint64_t(round) << 48 | uint64_t(t) << 32 | i;
            auto r = (*wal)->AppendDurable(0, MakePayload(key, 100 + (i * 37) % 3000));
            if (!r.ok()) ::_exit(3);
            const uint64_t msg[2] = {key, r->lsn};
            if (::write(fds[1], msg, sizeof msg) != sizeof msg) ::_exit(4);
          }
        });
      }
      for (auto& th : threads) th.join();
      ::_exit(0);
    }
    ::close(fds[1]);
    // Kill at a random moment after the first acknowledgement.
    std::map<Lsn, uint64_t> acked;
    uint64_t msg[2];
    if (::read(fds[0], msg, sizeof msg) == sizeof msg) acked[msg[1]] = msg[0];
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    while (::read(fds[0], msg, sizeof msg) == sizeof msg) acked[msg[1]] = msg[0];
    ::close(fds[0]);

    auto wal = Wal::Open(dir_, opt);  // recovery after the crash
    ASSERT_TRUE(wal.ok()) << wal.status().ToString();
    auto all = ReadAll(dir_);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    std::map<Lsn, const Read*> found;
    for (const Read& r : *all) {
      EXPECT_TRUE(PayloadIsIntact(r.payload));
      found[r.rec.lsn] = &r;
    }
    size_t this_round = 0;
    for (const auto& [lsn, key] : acked) {
      auto it = found.find(lsn);
      ASSERT_NE(it, found.end()) << "acknowledged record at LSN " << lsn << " is missing";
      EXPECT_EQ(KeyOf(it->second->payload), key);
      ++this_round;
    }
    EXPECT_GT(this_round, 0u);
    // The log stays appendable after recovery.
    EXPECT_TRUE((*wal)->AppendDurable(0, MakePayload(~uint64_t{0}, 10)).ok());
  }
}

}  // namespace
}  // namespace floe::wal
