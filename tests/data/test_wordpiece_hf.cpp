// WordPiece ids against Hugging Face's BertTokenizer on all EWT dev sentences (words joined by spaces), with
// vocabularies trained on EWT train by the tokenizers library, lowercasing and cased. The reference ids come from
// tests/data/hf_wordpiece_ids.py run with $SASMLM_PYTHON (python3 when unset); skipped when transformers cannot
// be imported there or the EWT files are absent.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sasmlm/core/file_util.h"
#include "sasmlm/data/tokenizer.h"
#include "test_util.h"

namespace sasmlm {
namespace {

constexpr int kSkipped = 77;
constexpr int kVocabSize = 4000;

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join(const std::vector<int32_t>& ids) {
  std::string s;
  for (const int32_t id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}

TEST(WordPieceHf, SameIdsAsBertTokenizerOnEwtDev) {
  SASMLM_REQUIRE_SHARED(train, "ud-ewt/train.conllu");
  SASMLM_REQUIRE_SHARED(dev, "ud-ewt/dev.conllu");
  const char* python_env = std::getenv("SASMLM_PYTHON");
  const std::string python = python_env != nullptr && *python_env != '\0' ? python_env : "python3";
  test::TempDir tmp;
  const std::string command = "'" + python + "' '" SASMLM_SOURCE_DIR "/tests/data/hf_wordpiece_ids.py' '" +
                              train.string() + "' '" + dev.string() + "' '" + tmp.path().string() + "' " +
                              std::to_string(kVocabSize) + " 2>'" + (tmp / "stderr.txt").string() + "'";
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kSkipped) GTEST_SKIP() << "transformers is not importable by " << python << " (pip install transformers)";
  ASSERT_EQ(code, 0) << command << "\n" << read_file(tmp / "stderr.txt");

  for (const std::string kind : {"lower", "cased"}) {
    const auto dir = tmp / kind;
    const Tokenizer tokenizer =
        Tokenizer::from_wordpiece_vocab(read_file(dir / "vocab.txt"), kind == "lower", (dir / "vocab.txt").string());
    const auto sentences = read_lines(dir / "sentences.txt");
    const auto expected = read_lines(dir / "ids.txt");
    ASSERT_EQ(sentences.size(), 2001u);  // EWT dev
    ASSERT_EQ(expected.size(), sentences.size());
    int mismatches = 0;
    int64_t pieces = 0, unknown = 0;
    for (size_t i = 0; i < sentences.size(); ++i) {
      const std::vector<int32_t> ids = tokenizer.encode_text(sentences[i]);
      pieces += int64_t(ids.size());
      for (const int32_t id : ids) unknown += id == tokenizer.unk_id();
      if (join(ids) == expected[i]) continue;
      if (++mismatches <= 5) {
        ADD_FAILURE() << kind << " sentence " << i << ": '" << sentences[i] << "'\n  sasmlm: " << join(ids)
                      << "\n  HF:     " << expected[i];
      }
    }
    std::cout << "[ wordpiece ] " << kind << ": " << sentences.size() << " EWT dev sentences, " << pieces
              << " pieces (" << unknown << " [UNK]), mismatches vs HF BertTokenizer: " << mismatches << "\n";
    EXPECT_EQ(mismatches, 0) << kind;
  }
}

}  // namespace
}  // namespace sasmlm
