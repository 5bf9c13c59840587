// tokenizer.path: an existing WordPiece vocabulary (vocab.txt, or the tokenizer.json saved beside it) prepares EWT
// dev with exactly BertTokenizerFast's piece ids. The vocabulary is trained on EWT train with the tokenizers
// library (no hub is reachable here) by tests/data/hf_fast_tokenizer_ids.py, which also writes BertTokenizerFast's
// ids; skipped when transformers cannot be imported by $SASMLM_PYTHON (python3 when unset) or EWT is absent.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/data/hf_tokenizer_json.h"
#include "sasmlm/data/prepare.h"
#include "sasmlm/data/prepared_data.h"
#include "sasmlm/data/tokenizer.h"
#include "test_util.h"

namespace sasmlm {
namespace {

constexpr int kSkipped = 77;

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The pieces of every prepared sequence without [CLS]/[SEP], space separated, in order.
std::vector<std::string> prepared_pieces(const std::string& dir) {
  const PreparedData data(dir);
  std::vector<std::string> out;
  for (int64_t i = 0; i < data.num_sequences("train"); ++i) {
    const SequenceView v = data.sequence("train", i);
    std::string s;
    for (int64_t t = 1; t + 1 < v.length; ++t) s += (t > 1 ? " " : "") + std::to_string(v.ids[t]);
    out.push_back(s);
  }
  return out;
}

TEST(TokenizerPath, WordPieceVocabPreparesEwtDevWithBertTokenizerFastIds) {
  SASMLM_REQUIRE_SHARED(train, "ud-ewt/train.conllu");
  SASMLM_REQUIRE_SHARED(dev, "ud-ewt/dev.conllu");
  const char* python_env = std::getenv("SASMLM_PYTHON");
  const std::string python = python_env != nullptr && *python_env != '\0' ? python_env : "python3";
  test::TempDir tmp;
  const std::string command = "'" + python + "' '" SASMLM_SOURCE_DIR "/tests/data/hf_fast_tokenizer_ids.py' '" +
                              train.string() + "' '" + dev.string() + "' '" + (tmp / "hf").string() + "' 8000 2>'" +
                              (tmp / "stderr.txt").string() + "'";
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kSkipped) GTEST_SKIP() << "transformers is not importable by " << python << " (pip install transformers)";
  ASSERT_EQ(code, 0) << command << "\n" << read_file(tmp / "stderr.txt");
  const auto by_words = read_lines(tmp / "hf" / "ids_words.txt");
  const auto by_text = read_lines(tmp / "hf" / "ids_text.txt");
  ASSERT_EQ(by_words.size(), 2001u);  // EWT dev

  DataConfig data;
  data.train = {dev.string()};
  data.pack = false;        // one sentence per sequence, in file order
  data.max_seq_len = 512;   // no EWT sentence is split
  uint32_t checksum = 0;
  for (const std::string file : {"vocab.txt", "tokenizer.json"}) {
    SCOPED_TRACE(file);
    TokenizerConfig tokenizer;
    tokenizer.path = (tmp / "hf" / file).string();
    const std::string dir = (tmp / ("prepared_" + file)).string();
    const PrepareSummary summary = prepare_data(data, tokenizer, dir);
    EXPECT_EQ(summary.vocab_size, 8000);
    if (checksum == 0) checksum = summary.tokenizer_checksum;
    EXPECT_EQ(summary.tokenizer_checksum, checksum) << "vocab.txt and tokenizer.json give different tokenizers";
    const auto ours = prepared_pieces(dir);
    ASSERT_EQ(ours.size(), by_words.size());
    int same_words = 0, same_text = 0, shown = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
      same_words += ours[i] == by_words[i];
      same_text += ours[i] == by_text[i];
      if (ours[i] != by_words[i] && ++shown <= 3) {
        ADD_FAILURE() << "sentence " << i << "\n  sasmlm: " << ours[i] << "\n  HF:     " << by_words[i];
      }
    }
    std::cout << "[ wordpiece ] tokenizer.path " << file << ": " << same_words << "/" << ours.size()
              << " EWT dev sentences identical to BertTokenizerFast on the words ("
              << 100.0 * same_words / double(ours.size()) << "%); on the '# text' lines: " << same_text << "/"
              << ours.size() << " (" << 100.0 * same_text / double(ours.size())
              << "%: the treebank splits tokens the text writes as one, e.g. \"don't\" = do + n't, 39K = 39 + K)\n";
    EXPECT_EQ(same_words, int(ours.size()));
    // Reused while the vocabulary is unchanged; a changed file prepares again.
    EXPECT_TRUE(prepared_data_matches(data, tokenizer, dir));
  }
}

TEST(TokenizerPath, BadFilesAreUserErrorsNamingThem) {
  test::TempDir tmp;
  EXPECT_THROW(Tokenizer::from_path((tmp / "missing.txt").string(), true), UserError);
  test::write_text(tmp / "bpe.json", R"({"model": {"type": "BPE", "vocab": {"a": 0}}})");
  try {
    Tokenizer::from_path((tmp / "bpe.json").string(), true);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("model.type"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bpe.json"), std::string::npos) << e.what();
  }
  test::write_text(tmp / "foreign.model", "not a sentencepiece model");
  EXPECT_THROW(Tokenizer::from_path((tmp / "foreign.model").string(), true), UserError);
  DataConfig data;
  data.train = {(tmp / "x.conllu").string()};
  test::write_text(tmp / "x.conllu", "1\tHi\t_\tINTJ\t_\t_\t0\troot\t_\t_\n\n");
  TokenizerConfig tokenizer;
  tokenizer.path = (tmp / "nowhere" / "vocab.txt").string();
  try {
    prepare_data(data, tokenizer, (tmp / "prepared").string());
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.path"), std::string::npos) << e.what();
  }
}

TEST(HfTokenizerJson, ReadsTheVocabularyInIdOrderAndTheCaseFlag) {
  const std::string text = R"({"normalizer": {"type": "BertNormalizer", "lowercase": false, "strip_accents": null},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100,
              "vocab": {"[UNK]": 1, "[PAD]": 0, "##s": 5, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4, "dog": 6}}})";
  const HfWordPieceVocab v = parse_hf_tokenizer_json(text, "t.json");
  EXPECT_EQ(v.vocab_text, "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n##s\ndog\n");
  EXPECT_FALSE(v.lowercase);
  EXPECT_THROW(parse_hf_tokenizer_json(R"({"model": {"type": "WordPiece", "vocab": {"a": 0, "b": 0}}})", "t"),
               UserError);  // an id twice
  EXPECT_THROW(parse_hf_tokenizer_json(
                   R"({"normalizer": {"type": "BertNormalizer", "lowercase": true, "strip_accents": false},
                       "model": {"type": "WordPiece", "vocab": {"a": 0}}})", "t"),
               UserError);  // lower-casing without accent stripping: not what BertTokenizerFast's uncased models do
  EXPECT_THROW(parse_hf_tokenizer_json("{", "t"), UserError);
}

}  // namespace
}  // namespace sasmlm
