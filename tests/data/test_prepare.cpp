#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/manifest.h"
#include "sasmlm/data/prepare.h"
#include "sasmlm/data/prepared_data.h"
#include "sasmlm/data/prepared_source.h"
#include "test_util.h"

namespace sasmlm {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A random projective-enough tree per sentence: word 1 is the root, word i > 1 hangs on an earlier word.
std::string make_corpus(int sentences, uint64_t seed, int min_words = 3, int max_words = 12) {
  const std::vector<std::string> stems = {"play", "walk", "talk", "jump", "read", "think", "speak", "sing"};
  const std::vector<std::string> suffixes = {"", "s", "ed", "ing", "er"};
  const std::vector<std::string> relations = {"nsubj", "obj", "amod", "nmod:poss", "punct"};
  Rng rng(seed);
  std::string out;
  for (int s = 0; s < sentences; ++s) {
    if (s % 7 == 0) out += "# newdoc id = d" + std::to_string(s) + "\n";
    out += "# sent_id = s" + std::to_string(s) + "\n";
    const int n = min_words + static_cast<int>(rng.below(uint64_t(max_words - min_words + 1)));
    for (int i = 1; i <= n; ++i) {
      const std::string form = stems[rng.below(stems.size())] + suffixes[rng.below(suffixes.size())];
      const int head = i == 1 ? 0 : 1 + static_cast<int>(rng.below(uint64_t(i - 1)));
      const std::string rel = i == 1 ? "root" : relations[rng.below(relations.size())];
      out += std::to_string(i) + "\t" + form + "\t_\tX\t_\t_\t" + std::to_string(head) + "\t" + rel + "\t_\t_\n";
    }
    out += "\n";
  }
  return out;
}

struct Fixture {
  test::TempDir tmp;
  DataConfig data;
  TokenizerConfig tokenizer;
  std::string dir;

  Fixture() {
    test::write_text(tmp / "train.conllu", make_corpus(200, 1));
    test::write_text(tmp / "dev.conllu", make_corpus(30, 2));
    data.train = {(tmp / "train.conllu").string()};
    data.dev = {(tmp / "dev.conllu").string()};
    data.max_seq_len = 64;
    tokenizer.vocab_size = 45;
    tokenizer.character_coverage = 1.0;
    dir = (tmp / "prepared").string();
  }
};

// Names in `dir` other than the finished outputs: temporaries or staging leftovers.
std::vector<std::string> stray_entries(const std::string& dir) {
  std::vector<std::string> stray;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.find(".tmp") != std::string::npos || name.find(".staging") != std::string::npos) stray.push_back(name);
  }
  return stray;
}

// Everything in `dir` except the lock file prepare keeps there on purpose.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename() != ".prepare.lock") names.push_back(e.path().filename().string());
  }
  return names;
}

// Rebuilds the sentences of a split from its shards and compares them with the reader's: forms via decode_word,
// arcs via head positions -> word indices. Returns the number of arcs recovered.
int64_t expect_round_trip(const PreparedData& data, const std::string& split,
                          const std::vector<ConlluSentence>& gold) {
  struct Word {
    std::vector<int32_t> pieces;
    int32_t head = -1;  // 0-based head word, -1 where no arc was stored
  };
  std::vector<std::vector<Word>> sentences;
  std::vector<bool> was_split;
  for (int64_t i = 0; i < data.num_sequences(split); ++i) {
    const SequenceView v = data.sequence(split, i);
    EXPECT_EQ(v.ids[0], kClsId);
    EXPECT_EQ(v.ids[v.length - 1], kSepId);
    EXPECT_LE(v.length, data.max_seq_len());
    for (int64_t t = 1; t + 1 < v.length; ++t) {
      if (v.flags[t] & kTokenSentenceStart) {
        if (v.flags[t] & kTokenContinuation) {
          was_split.back() = true;
        } else {
          sentences.emplace_back();
          was_split.push_back(false);
        }
      }
      auto& words = sentences.back();
      const int32_t w = v.word_index[t];
      const bool first_piece = static_cast<int32_t>(words.size()) <= w;
      if (first_piece) words.resize(static_cast<size_t>(w) + 1);
      words[w].pieces.push_back(v.ids[t]);
      if (first_piece && v.heads[t] >= 0) words[w].head = v.word_index[v.heads[t]];
    }
  }
  EXPECT_EQ(sentences.size(), gold.size());
  int64_t arcs = 0;
  for (size_t s = 0; s < std::min(sentences.size(), gold.size()); ++s) {
    if (sentences[s].size() != gold[s].words.size()) {
      ADD_FAILURE() << "sentence " << s << ": " << sentences[s].size() << " words, expected " << gold[s].words.size();
      return -1;
    }
    for (size_t w = 0; w < sentences[s].size(); ++w) {
      const Word& got = sentences[s][w];
      const ConlluWord& want = gold[s].words[w];
      const std::string form = data.tokenizer().decode_word(got.pieces);
      if (form != want.form) {
        ADD_FAILURE() << "sentence " << s << " word " << w << ": '" << form << "', expected '" << want.form << "'";
        return -1;
      }
      if (got.head >= 0) {
        if (got.head + 1 != want.head) {
          ADD_FAILURE() << "sentence " << s << " word " << w << ": head " << got.head + 1 << ", expected " << want.head;
          return -1;
        }
        ++arcs;
      } else if (!was_split[s] && want.head != 0) {
        ADD_FAILURE() << "sentence " << s << " word " << w << ": arc lost";
        return -1;
      }
    }
  }
  return arcs;
}

TEST(Prepare, WritesTokenizerShardsAndManifest) {
  Fixture f;
  const PrepareSummary s = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_FALSE(s.reused);
  for (const char* name : {"manifest.json", "tokenizer.model", "train-00000.shard", "dev-00000.shard"}) {
    EXPECT_TRUE(fs::is_regular_file(fs::path(f.dir) / name)) << name;
  }
  EXPECT_TRUE(stray_entries(f.dir).empty());

  const auto train = read_conllu_file(f.data.train[0]);
  int64_t words = 0;
  for (const auto& sentence : train) words += static_cast<int64_t>(sentence.words.size());
  const json m = json::parse(read_file(fs::path(f.dir) / "manifest.json"));
  EXPECT_EQ(m.at("format_version"), kManifestFormatVersion);
  EXPECT_EQ(m.at("sentences"), 200);
  EXPECT_EQ(m.at("words"), words);
  EXPECT_EQ(m.at("arcs"), words - 200);
  EXPECT_EQ(m.at("skipped_sentences"), 0);
  EXPECT_EQ(m.at("vocab_size"), 45);
  EXPECT_EQ(m.at("tokens"), s.train.tokens);
  EXPECT_EQ(m.at("sequences"), s.train.sequences);
  EXPECT_EQ(m.at("splits").at("dev").at("sentences"), 30);
  EXPECT_EQ(m.at("sources").at("train").at(0).at("path"), f.data.train[0]);
  EXPECT_EQ(m.at("settings").at("data").at("max_seq_len"), 64);
  EXPECT_EQ(m.at("relations").size(), 5u);

  const PreparedData data(f.dir);
  EXPECT_EQ(data.tokenizer().checksum(), s.tokenizer_checksum);
  EXPECT_EQ(data.num_sequences("train"), s.train.sequences);
  EXPECT_EQ(data.counts("dev").sentences, 30);
  EXPECT_EQ(data.relations().size(), 5u);
  EXPECT_EQ(expect_round_trip(data, "train", train), s.train.arcs - s.train.arcs_cut);
  EXPECT_EQ(s.train.arcs, words - 200);
  EXPECT_EQ(expect_round_trip(data, "dev", read_conllu_file(f.data.dev[0])), s.dev.arcs - s.dev.arcs_cut);
  int64_t tokens = 0;
  for (int64_t i = 0; i < data.num_sequences("train"); ++i) tokens += data.sequence("train", i).length;
  EXPECT_EQ(tokens, s.train.tokens);
  // Packing: several sentences share a sequence.
  EXPECT_LT(s.train.sequences, 200);
}

TEST(Prepare, ManyShardsAndTheLoaderSource) {
  Fixture f;
  f.data.shard_sequences = 7;
  f.data.pack = false;
  f.data.arc_pieces = "all";
  const PrepareSummary s = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_EQ(s.train.sequences, 200);  // one sentence per sequence
  EXPECT_EQ(s.train.shards, (200 + 6) / 7);
  EXPECT_TRUE(fs::is_regular_file(fs::path(f.dir) / "train-00028.shard"));
  auto data = std::make_shared<PreparedData>(f.dir);
  expect_round_trip(*data, "train", read_conllu_file(f.data.train[0]));
  // "all": every piece of a dependent points at its head's first piece.
  const auto source = make_split_source(data, "train");
  ASSERT_EQ(source->size(), 200);
  SequenceRecord r;
  for (int64_t i = 0; i < source->size(); ++i) {
    source->read(i, r);
    const SequenceView v = data->sequence("train", i);
    ASSERT_EQ(r.ids.size(), static_cast<size_t>(v.length));
    for (size_t t = 1; t + 1 < r.ids.size(); ++t) {
      EXPECT_EQ(r.heads[t], v.heads[t]);
      if (r.word_index[t] == r.word_index[t - 1]) {
        EXPECT_EQ(r.heads[t], r.heads[t - 1]);
      }
    }
  }
}

TEST(Prepare, ReusesAMatchingDirectoryAndRedoesOnChange) {
  Fixture f;
  const PrepareSummary first = prepare_data(f.data, f.tokenizer, f.dir);
  const auto stamp = fs::last_write_time(fs::path(f.dir) / "manifest.json");
  EXPECT_TRUE(prepared_data_matches(f.data, f.tokenizer, f.dir));
  const PrepareSummary again = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_TRUE(again.reused);
  EXPECT_EQ(again.train.tokens, first.train.tokens);
  EXPECT_EQ(again.tokenizer_checksum, first.tokenizer_checksum);
  EXPECT_EQ(fs::last_write_time(fs::path(f.dir) / "manifest.json"), stamp);

  f.data.max_seq_len = 16;  // a setting that shapes the output
  EXPECT_FALSE(prepared_data_matches(f.data, f.tokenizer, f.dir));
  const PrepareSummary changed = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_FALSE(changed.reused);
  EXPECT_GT(changed.train.sequences, first.train.sequences);

  test::write_text(f.tmp / "train.conllu", make_corpus(200, 99));  // same path, new content
  EXPECT_FALSE(prepare_data(f.data, f.tokenizer, f.dir).reused);
  EXPECT_TRUE(stray_entries(f.dir).empty());
  EXPECT_EQ(PreparedData(f.dir).counts("train").sentences, 200);
}

TEST(Prepare, FailedPrepareLeavesNothingBehind) {
  Fixture f;
  test::write_text(f.tmp / "bad.conllu", make_corpus(5, 3) + "1\ta\t_\tX\t_\t_\t0\troot\t_\t_\n"
                                         "2\tb\t_\tX\t_\t_\t0\troot\t_\t_\n\n");
  f.data.dev = {(f.tmp / "bad.conllu").string()};
  try {
    prepare_data(f.data, f.tokenizer, f.dir);
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.conllu:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("more than one root"), std::string::npos) << e.what();
  }
  ASSERT_TRUE(fs::is_directory(f.dir));
  EXPECT_EQ(entries(f.dir), std::vector<std::string>{});
  EXPECT_THROW(PreparedData{f.dir}, UserError);

  // A failed re-prepare keeps the earlier, valid preparation.
  f.data.dev = {(f.tmp / "dev.conllu").string()};
  const PrepareSummary good = prepare_data(f.data, f.tokenizer, f.dir);
  f.data.dev = {(f.tmp / "bad.conllu").string()};
  EXPECT_THROW(prepare_data(f.data, f.tokenizer, f.dir), UserError);
  EXPECT_TRUE(stray_entries(f.dir).empty());
  EXPECT_EQ(PreparedData(f.dir).tokenizer().checksum(), good.tokenizer_checksum);
}

TEST(Prepare, VocabLargerThanTheCorpusAllows) {
  Fixture f;
  f.tokenizer.vocab_size = 5000;
  try {
    prepare_data(f.data, f.tokenizer, f.dir);
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.vocab_size = 5000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("<= "), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(f.dir), std::vector<std::string>{});
}

TEST(Prepare, LongSentencesSplitOrDroppedAndCounted) {
  Fixture f;
  test::write_text(f.tmp / "train.conllu", make_corpus(20, 4) + make_corpus(1, 5, 100, 100) + make_corpus(20, 6));
  f.data.max_seq_len = 64;
  const PrepareSummary split = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_EQ(split.train.sentences, 41);
  EXPECT_EQ(split.train.sentences_split, 1);
  EXPECT_GE(split.train.chunks, 2);
  EXPECT_EQ(split.train.sentences_dropped, 0);
  {
    const PreparedData data(f.dir);
    const int64_t arcs = expect_round_trip(data, "train", read_conllu_file(f.data.train[0]));
    EXPECT_EQ(arcs, split.train.arcs - split.train.arcs_cut);
    EXPECT_GT(split.train.arcs_cut, 0);
  }
  f.data.long_sentences = "drop";
  const PrepareSummary drop = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_EQ(drop.train.sentences_dropped, 1);
  EXPECT_EQ(drop.train.sentences_split, 0);
  EXPECT_LT(drop.train.tokens, split.train.tokens);
  const json m = json::parse(read_file(fs::path(f.dir) / "manifest.json"));
  EXPECT_EQ(m.at("splits").at("train").at("sentences_dropped"), 1);
}

TEST(Prepare, SkipInvalidCountsAndKeepsReasons) {
  Fixture f;
  const std::string bad = "1\ta\t_\tX\t_\t_\t3\tdep\t_\t_\n\n";  // head out of range
  test::write_text(f.tmp / "train.conllu", make_corpus(30, 7) + bad + make_corpus(30, 8) + bad);
  EXPECT_THROW(prepare_data(f.data, f.tokenizer, f.dir), UserError);
  f.data.skip_invalid = true;
  const PrepareSummary s = prepare_data(f.data, f.tokenizer, f.dir);
  EXPECT_EQ(s.train.sentences, 60);
  EXPECT_EQ(s.train.skipped_sentences, 2);
  ASSERT_EQ(s.train.skip_reasons.size(), 2u);
  EXPECT_NE(s.train.skip_reasons[0].find("train.conllu:"), std::string::npos);
  EXPECT_NE(s.train.skip_reasons[0].find("HEAD 3 of word 1 is out of range"), std::string::npos);
  const json m = json::parse(read_file(fs::path(f.dir) / "manifest.json"));
  EXPECT_EQ(m.at("skipped_sentences"), 2);
  EXPECT_EQ(m.at("splits").at("train").at("skip_reasons").size(), 2u);
}

TEST(Prepare, BadSettingsNameTheirKey) {
  Fixture f;
  auto message = [&](DataConfig d) {
    try {
      prepare_data(d, f.tokenizer, f.dir);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  DataConfig d = f.data;
  d.arc_pieces = "last";
  EXPECT_NE(message(d).find("data.arc_pieces"), std::string::npos);
  d = f.data;
  d.train = {(f.tmp / "missing.conllu").string()};
  EXPECT_NE(message(d).find("data.train[0]: CoNLL-U file not found"), std::string::npos);
  d = f.data;
  d.train.clear();
  EXPECT_NE(message(d).find("data.train"), std::string::npos);
  d = f.data;
  d.long_sentences = "cut";
  EXPECT_NE(message(d).find("data.long_sentences"), std::string::npos);
}

TEST(PreparedData, DetectsCorruptionAndTokenizerMismatch) {
  Fixture f;
  prepare_data(f.data, f.tokenizer, f.dir);
  const PreparedData data(f.dir);
  EXPECT_NO_THROW(data.check_tokenizer(data.tokenizer().checksum(), "checkpoint x.pt"));
  try {
    data.check_tokenizer(data.tokenizer().checksum() ^ 1u, "checkpoint x.pt");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint x.pt: its tokenizer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(data.num_sequences("test"), UserError);

  const fs::path shard = fs::path(f.dir) / "train-00000.shard";
  {
    std::fstream io(shard, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(100);
    io.put('\x7f');
  }
  try {
    PreparedData broken(f.dir);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("train-00000.shard"), std::string::npos) << e.what();
  }
  // A directory that was never prepared.
  try {
    PreparedData none((f.tmp / "nothing").string());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("not a prepared data directory"), std::string::npos) << e.what();
  }
}

TEST(PreparedData, ManifestOfAnotherVersionIsRefused) {
  Fixture f;
  prepare_data(f.data, f.tokenizer, f.dir);
  const fs::path path = fs::path(f.dir) / "manifest.json";
  json m = json::parse(read_file(path));
  m["format_version"] = kManifestFormatVersion + 1;
  write_file_atomic(path, m.dump());
  try {
    PreparedData data(f.dir);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("manifest format version 2, this build reads 1"), std::string::npos)
        << e.what();
  }
  // prepare does not trust it either: it prepares again.
  EXPECT_FALSE(prepare_data(f.data, f.tokenizer, f.dir).reused);
  EXPECT_NO_THROW(PreparedData{f.dir});
}

TEST(Prepare, EwtTrainRoundTrip) {
  SASMLM_REQUIRE_SHARED(path, "ud-ewt/train.conllu");
  test::TempDir tmp;
  DataConfig data;
  data.train = {path.string()};
  TokenizerConfig tokenizer;  // defaults: unigram, 8000 pieces (byte fallback: exact round trips)
  const auto start = std::chrono::steady_clock::now();
  const PrepareSummary s = prepare_data(data, tokenizer, (tmp / "prepared").string());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ prepare ] EWT train: %lld sentences in %.2f s (%.0f sentences/s), %lld sequences, %lld tokens\n",
              static_cast<long long>(s.train.sentences), seconds, double(s.train.sentences) / seconds,
              static_cast<long long>(s.train.sequences), static_cast<long long>(s.train.tokens));
  EXPECT_EQ(s.train.sentences, 12544);
  EXPECT_EQ(s.train.words, 204577);
  EXPECT_EQ(s.train.skipped_sentences, 0);
  EXPECT_EQ(s.vocab_size, 8000);
  const json m = json::parse(read_file(tmp / "prepared" / "manifest.json"));
  EXPECT_EQ(m.at("sentences"), 12544);
  EXPECT_EQ(m.at("words"), 204577);

  const PreparedData prepared((tmp / "prepared").string());
  const int64_t arcs = expect_round_trip(prepared, "train", read_conllu_file(path.string()));
  EXPECT_EQ(arcs, s.train.arcs - s.train.arcs_cut);
  EXPECT_EQ(s.train.arcs, 204577 - 12544);
}

// Found by fuzz_manifest: a count written as a huge float (2.5e102) reached nlohmann's get<uint64_t>(), an
// out-of-range conversion (undefined behaviour); integers that do not fit their field wrapped around.
TEST(Manifest, NumbersOutOfRangeAreRefusedNamingTheKey) {
  Manifest m;
  m.settings = prepare_settings(DataConfig{}, TokenizerConfig{});
  m.max_seq_len = DataConfig{}.max_seq_len;
  m.splits["train"].shards.push_back(FileEntry{"train-00000.shard", 100, 0x1234abcd, 2, 10});
  const json good = json::parse(m.to_json());
  EXPECT_NO_THROW(Manifest::parse(good.dump(), "p/manifest.json"));
  auto error_of = [](const json& j) {
    try {
      Manifest::parse(j.dump(), "p/manifest.json");
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json bad = good;
  bad["splits"]["train"]["shard_files"][0]["bytes"] = 2.5e102;
  EXPECT_NE(error_of(bad).find("p/manifest.json: malformed manifest (bytes: expected an integer from 0 to "
                               "18446744073709551615, found 2.5e+102)"),
            std::string::npos)
      << error_of(bad);
  bad = good;
  bad["splits"]["train"]["shard_files"][0]["bytes"] = -5;
  EXPECT_NE(error_of(bad).find("bytes: expected an integer from 0 to"), std::string::npos) << error_of(bad);
  bad = good;
  bad["vocab_size"] = int64_t(1) << 32;
  EXPECT_NE(error_of(bad).find("vocab_size: expected an integer from -2147483648 to 2147483647, found 4294967296"),
            std::string::npos)
      << error_of(bad);
  bad = good;
  bad["splits"]["train"]["tokens"] = 1.5;
  EXPECT_NE(error_of(bad).find("tokens: expected an integer"), std::string::npos) << error_of(bad);
}

}  // namespace
}  // namespace sasmlm
