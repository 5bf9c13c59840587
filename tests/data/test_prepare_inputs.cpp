// data.train / data.dev as directories, glob patterns and .gz files (input_paths.h, input_file.h), and
// data.prepare_threads: none of them may change a byte of the prepared shards.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/data/input_file.h"
#include "sasmlm/data/input_paths.h"
#include "sasmlm/data/manifest.h"
#include "sasmlm/data/prepare.h"
#include "test_util.h"

namespace sasmlm {
namespace {
namespace fs = std::filesystem;

void write_gzip(const fs::path& path, const std::string& text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr) << path;
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
}

// The files prepare wrote, name -> content; the manifest only when asked (its sources name the input paths).
std::map<std::string, std::string> outputs(const std::string& dir, bool with_manifest) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == ".prepare.lock" || (name == kManifestFile && !with_manifest)) continue;
    files[name] = read_file(e.path(), name);
  }
  return files;
}

std::string error_of(const DataConfig& data, const TokenizerConfig& tokenizer, const std::string& dir) {
  try {
    prepare_data(data, tokenizer, dir);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

// A corpus in three parts (two CoNLL-U, one plain text) plus a dev file, over 2048 sentences so that the encoding
// pass hands out several batches.
struct Parts {
  test::TempDir tmp;
  std::vector<std::string> part_text;  // a.conllu, b.conllu, c.txt
  std::string dev;
  TokenizerConfig tokenizer;

  Parts() {
    const fs::path synth = test::synth_corpus(6000, 5);
    const std::string train = read_file(synth / "train.conllu", "train");
    // Split at sentence boundaries ("\n\n") into two CoNLL-U parts.
    const size_t middle = train.find("\n\n", train.size() / 2) + 2;
    part_text = {train.substr(0, middle), train.substr(middle),
                 "The cat sat on the mat .\nA dog barked .\n\nNew document here .\n"};
    dev = (synth / "dev.conllu").string();
    tokenizer.vocab_size = 300;
  }
  // Writes the parts into `dir` with the given names.
  std::vector<std::string> write(const fs::path& dir, const std::vector<std::string>& names, bool gzip) const {
    fs::create_directories(dir);
    std::vector<std::string> paths;
    for (size_t i = 0; i < names.size(); ++i) {
      const fs::path path = dir / names[i];
      if (gzip) {
        write_gzip(path, part_text[i]);
      } else {
        test::write_text(path, part_text[i]);
      }
      paths.push_back(path.string());
    }
    return paths;
  }
  DataConfig config(std::vector<std::string> train) const {
    DataConfig data;
    data.train = std::move(train);
    data.dev = {dev};
    data.max_seq_len = 64;
    data.shard_sequences = 500;  // several shards
    data.prepare_threads = 1;
    return data;
  }
};

TEST(PrepareThreads, ShardsAndManifestAreByteIdenticalForAnyThreadCount) {
  Parts p;
  const std::vector<std::string> files = p.write(p.tmp / "plain", {"a.conllu", "b.conllu", "c.txt"}, false);
  std::map<std::string, std::string> first;
  for (int64_t threads : {1, 2, 3}) {
    DataConfig data = p.config(files);
    data.prepare_threads = threads;
    const std::string dir = (p.tmp / ("prepared-" + std::to_string(threads))).string();
    const PrepareSummary s = prepare_data(data, p.tokenizer, dir);
    EXPECT_GT(s.train.sentences, 4000);
    EXPECT_GT(s.train.shards, 2);
    const auto files_now = outputs(dir, /*with_manifest=*/true);
    if (threads == 1) {
      first = files_now;
      continue;
    }
    ASSERT_EQ(files_now.size(), first.size()) << threads << " threads";
    for (const auto& [name, content] : first) {
      EXPECT_TRUE(files_now.at(name) == content) << name << " differs with " << threads << " threads";
    }
  }
  // The thread count is no setting: a directory prepared with one count is reused with another.
  DataConfig data = p.config(files);
  data.prepare_threads = 0;
  EXPECT_TRUE(prepared_data_matches(data, p.tokenizer, (p.tmp / "prepared-1").string()));
  EXPECT_TRUE(prepare_data(data, p.tokenizer, (p.tmp / "prepared-2").string()).reused);
}

TEST(PrepareInputs, DirectoryGlobAndGzipGiveTheShardsOfThePlainList) {
  Parts p;
  const std::vector<std::string> plain = p.write(p.tmp / "plain", {"a.conllu", "b.conllu", "c.txt"}, false);
  const std::vector<std::string> packed = p.write(p.tmp / "packed", {"a.conllu.gz", "b.conllu.gz", "c.txt.gz"}, true);
  // Beside the corpus: a file of another kind, a hidden file and a subdirectory, none of which a directory entry
  // or the *.conllu* pattern takes.
  test::write_text(p.tmp / "plain" / "README.md", "not a corpus\n");
  test::write_text(p.tmp / "plain" / ".hidden.conllu", "not a corpus\n");
  fs::create_directories(p.tmp / "plain" / "old");
  test::write_text(p.tmp / "plain" / "old" / "z.conllu", "not a corpus\n");

  const std::string reference = (p.tmp / "prep-list").string();
  prepare_data(p.config(plain), p.tokenizer, reference);
  const auto want = outputs(reference, false);

  const std::vector<std::vector<std::string>> forms = {
      {(p.tmp / "plain").string()},                                                    // a directory
      {(p.tmp / "packed").string()},                                                   // a directory of .gz files
      {(p.tmp / "plain" / "*.conllu").string(), (p.tmp / "plain" / "c.tx?").string()},  // patterns
      {(p.tmp / "p[l]ain" / "[ab].conllu").string(), plain[2]},                        // a pattern in a folder name
      packed,                                                                          // .gz files listed
      {packed[0], plain[1], (p.tmp / "packed" / "*.txt.gz").string()},                 // mixed
  };
  for (size_t i = 0; i < forms.size(); ++i) {
    const std::string dir = (p.tmp / ("prep-" + std::to_string(i))).string();
    prepare_data(p.config(forms[i]), p.tokenizer, dir);
    EXPECT_TRUE(outputs(dir, false) == want) << "form " << i << " (" << forms[i][0] << ")";
    // The manifest lists the expanded files, in reading order.
    const Manifest m = read_manifest(dir);
    const auto& sources = m.splits.at("train").sources;
    ASSERT_EQ(sources.size(), 3u) << "form " << i;
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(without_gzip_suffix(fs::path(sources[k].path).filename().string()),
                fs::path(plain[k]).filename().string());
    }
  }
}

TEST(PrepareInputs, AFileAddedToTheDirectoryPreparesAgain) {
  Parts p;
  p.write(p.tmp / "corpus", {"a.conllu"}, false);
  const DataConfig data = p.config({(p.tmp / "corpus").string()});
  const std::string dir = (p.tmp / "prepared").string();
  const PrepareSummary first = prepare_data(data, p.tokenizer, dir);
  EXPECT_TRUE(prepared_data_matches(data, p.tokenizer, dir));
  EXPECT_TRUE(prepare_data(data, p.tokenizer, dir).reused);

  test::write_text(p.tmp / "corpus" / "b.conllu", p.part_text[1]);
  EXPECT_FALSE(prepared_data_matches(data, p.tokenizer, dir));
  const PrepareSummary second = prepare_data(data, p.tokenizer, dir);
  EXPECT_FALSE(second.reused);
  EXPECT_GT(second.train.sentences, first.train.sentences);

  write_gzip(p.tmp / "corpus" / "b.conllu.gz", p.part_text[1]);  // a third file, same text
  EXPECT_FALSE(prepared_data_matches(data, p.tokenizer, dir));
  fs::remove(p.tmp / "corpus" / "b.conllu.gz");
  EXPECT_TRUE(prepared_data_matches(data, p.tokenizer, dir));
}

TEST(PrepareInputs, BadPatternsDirectoriesAndGzipAreUserErrorsNamingThem) {
  Parts p;
  const std::vector<std::string> files = p.write(p.tmp / "corpus", {"a.conllu"}, false);
  const std::string dir = (p.tmp / "prepared").string();

  const std::string pattern = (p.tmp / "corpus" / "*.conllu.gz").string();
  EXPECT_EQ(error_of(p.config({files[0], pattern}), p.tokenizer, dir),
            "data.train[1]: the pattern " + pattern +
                " matches no file (hint: check the directory and the name pattern; *, ? and [...] are glob "
                "wildcards)");
  DataConfig dev_pattern = p.config(files);
  dev_pattern.dev = {(p.tmp / "nowhere" / "dev-*.conllu").string()};
  EXPECT_NE(error_of(dev_pattern, p.tokenizer, dir).find("data.dev[0]: the pattern "), std::string::npos);

  fs::create_directories(p.tmp / "empty");
  test::write_text(p.tmp / "empty" / "notes.md", "x\n");
  EXPECT_EQ(error_of(p.config({(p.tmp / "empty").string()}), p.tokenizer, dir),
            "data.train[0]: the directory " + (p.tmp / "empty").string() +
                " holds no corpus file (expected names ending in .conllu, .conllu.gz, .txt or .txt.gz; "
                "subdirectories are not searched)");

  // Not gzip at all.
  const fs::path fake = p.tmp / "fake.conllu.gz";
  test::write_text(fake, p.part_text[0]);
  EXPECT_EQ(error_of(p.config({fake.string()}), p.tokenizer, dir),
            fake.string() + ": corrupt gzip data (the file does not start with the gzip magic bytes 1f 8b; hint: "
                            "only name gzip-compressed files *.gz)");
  // A gzip stream cut short, and one whose checksum does not match.
  const fs::path good = p.tmp / "good.conllu.gz";
  write_gzip(good, p.part_text[0]);
  const std::string bytes = read_file(good, "gz");
  const fs::path cut = p.tmp / "cut.conllu.gz";
  test::write_text(cut, bytes.substr(0, bytes.size() / 2));
  const std::string cut_error = error_of(p.config({cut.string()}), p.tokenizer, dir);
  EXPECT_EQ(cut_error.rfind(cut.string() + ": corrupt gzip data (", 0), 0u) << cut_error;
  std::string damaged_bytes = bytes;  // the trailer's CRC-32: every byte inflates, the check at the end fails
  damaged_bytes[bytes.size() - 8] = static_cast<char>(damaged_bytes[bytes.size() - 8] ^ 0x5a);
  const fs::path damaged = p.tmp / "damaged.conllu.gz";
  test::write_text(damaged, damaged_bytes);
  const std::string damaged_error = error_of(p.config({damaged.string()}), p.tokenizer, dir);
  EXPECT_EQ(damaged_error.rfind(damaged.string() + ": corrupt gzip data (", 0), 0u) << damaged_error;
  // Nothing was published by the failed prepares.
  EXPECT_FALSE(fs::exists(fs::path(dir) / kManifestFile));
}

TEST(InputFile, GzipReadsAsThePlainBytesLineByLine) {
  test::TempDir tmp;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + (i % 3 == 0 ? "\r\n" : "\n");
  text += "no newline at the end";
  test::write_text(tmp / "a.txt", text);
  write_gzip(tmp / "a.txt.gz", text);
  InputFile plain((tmp / "a.txt").string(), "test file");
  InputFile packed((tmp / "a.txt.gz").string(), "test file");
  std::string a, b;
  int64_t lines = 0;
  while (plain.read_line(a)) {
    ASSERT_TRUE(packed.read_line(b));
    ASSERT_EQ(a, b);
    ++lines;
  }
  EXPECT_FALSE(packed.read_line(b));
  EXPECT_EQ(lines, 20001);
  EXPECT_EQ(a, "");
  EXPECT_THROW(InputFile((tmp / "missing.txt.gz").string(), "test file"), UserError);
}

TEST(InputPaths, EntriesExpandInOrderNamingTheirOrigin) {
  test::TempDir tmp;
  fs::create_directories(tmp / "d");
  for (const char* name : {"b.conllu", "a.txt.gz", "c.conllu.gz", "B.conllu", "x.json"}) {
    test::write_text(tmp / "d" / name, "");
  }
  const auto inputs = expand_input_paths({(tmp / "single.conllu").string(), (tmp / "d").string()}, "data.dev");
  std::vector<std::string> names;
  for (const auto& input : inputs) names.push_back(fs::path(input.path).filename().string() + "@" + input.origin);
  EXPECT_EQ(names, (std::vector<std::string>{"single.conllu@data.dev[0]", "B.conllu@data.dev[1]",
                                             "a.txt.gz@data.dev[1]", "b.conllu@data.dev[1]",
                                             "c.conllu.gz@data.dev[1]"}));
}

}  // namespace
}  // namespace sasmlm
