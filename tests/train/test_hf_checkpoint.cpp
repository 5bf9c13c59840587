// sasmlm export / import / fill-mask: checkpoints to and from Hugging Face directories, both tokenizer kinds, the
// fill-mask computation and its CLI errors. Parity with the real transformers library is tests/model/hf_parity.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/data/wordpiece.h"
#include "sasmlm/eval/fill_mask.h"
#include "sasmlm/model/hf_io.h"
#include "sasmlm/train/hf_checkpoint.h"
#include "sasmlm/train/training_state.h"
#include "test_util.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// [PAD] at 0 but the other special tokens elsewhere, as in Google's vocabularies.
const char* const kVocab =
    "[PAD]\nthe\ndog\ncat\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nsat\n##s\non\nmat\n.\na\nran\nbig\nred\n";

BertOptions small_options(int64_t vocab) {
  BertOptions o;
  o.vocab_size = vocab;
  o.layers = 2;
  o.hidden = 16;
  o.heads = 2;
  o.intermediate = 32;
  o.max_position = 24;
  return o;
}

std::string save_checkpoint(const fs::path& dir, BertForMaskedLM model, const Tokenizer& tokenizer) {
  TrainingSnapshot s;
  s.model = model;
  s.config_yaml = dump_config(imported_config(model->options(), tokenizer));
  s.tokenizer_model = tokenizer.serialized();
  s.tokenizer_checksum = tokenizer.checksum();
  s.counters.step = 42;
  return save_training_checkpoint(dir.string(), s);
}

void expect_same_parameters(BertForMaskedLM a, BertForMaskedLM b) {
  const auto pb = b->named_parameters();
  for (const auto& item : a->named_parameters()) {
    ASSERT_NE(pb.find(item.key()), nullptr) << item.key();
    EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();
  }
}

// An HF-style directory holding a WordPiece model: config.json + model.safetensors + vocab.txt (+ config).
fs::path wordpiece_hf_dir(const fs::path& dir, const std::string& tokenizer_config = "") {
  torch::manual_seed(3);
  BertForMaskedLM model(small_options(17));
  export_hf(model, dir.string());
  test::write_text(dir / kHfVocabFile, kVocab);
  if (!tokenizer_config.empty()) test::write_text(dir / kHfTokenizerConfigFile, tokenizer_config);
  return dir;
}

TEST(HfCheckpoint, WordPieceImportExportRoundTrip) {
  test::TempDir tmp;
  const fs::path hf = wordpiece_hf_dir(tmp / "hf", R"({"do_lower_case": false})");
  const fs::path ckpt = tmp / "out" / "imported.ckpt";
  import_hf_checkpoint(hf.string(), ckpt.string());
  LoadedModel loaded = load_model_checkpoint(ckpt.string());
  expect_same_parameters(loaded.model, import_hf(hf.string()));
  EXPECT_EQ(loaded.step, 0);
  const Tokenizer tokenizer = Tokenizer::from_serialized(loaded.tokenizer_model);
  ASSERT_NE(tokenizer.wordpiece(), nullptr);
  EXPECT_FALSE(tokenizer.wordpiece()->lowercase());
  EXPECT_EQ(tokenizer.mask_id(), 7);
  EXPECT_EQ(tokenizer.encode_text("the cats sat"), (std::vector<int32_t>{1, 3, 9, 8}));
  const Config config = load_config_from_string(loaded.config_yaml, "stored");
  EXPECT_EQ(config.model.layers, 2);
  EXPECT_EQ(config.model.hidden, 16);
  EXPECT_EQ(config.model.intermediate, 32);
  EXPECT_EQ(config.tokenizer.vocab_size, 17);
  EXPECT_LE(config.data.max_seq_len, 24);
  EXPECT_FALSE(fs::exists(tmp / "out" / "imported.ckpt.import-tmp"));

  export_checkpoint_hf(ckpt.string(), (tmp / "again").string());
  EXPECT_EQ(read_file(tmp / "again" / kHfVocabFile), kVocab);
  const auto tokenizer_config = nlohmann::json::parse(read_file(tmp / "again" / kHfTokenizerConfigFile));
  EXPECT_EQ(tokenizer_config["do_lower_case"], false);
  EXPECT_EQ(tokenizer_config["tokenizer_class"], "BertTokenizer");
  EXPECT_FALSE(fs::exists(tmp / "again" / kHfSentencePieceFile));
  expect_same_parameters(import_hf((tmp / "again").string()), loaded.model);
}

TEST(HfCheckpoint, SentencePieceCheckpointExportsAndImportsBack) {
  test::TempDir tmp;
  std::vector<std::vector<std::string>> sentences;
  const std::vector<std::string> stems = {"walk", "talk", "jump", "read", "sing", "play", "think", "speak"};
  const std::vector<std::string> suffixes = {"", "s", "ed", "ing", "er"};
  for (const auto& a : stems) {
    for (const auto& b : suffixes) sentences.push_back({"un" + a + b, a + b, "re" + a + b, "the"});
  }
  TokenizerConfig tc;
  tc.vocab_size = 40;
  tc.character_coverage = 1.0;
  const Tokenizer tokenizer = Tokenizer::train(sentences, tc);
  torch::manual_seed(4);
  BertForMaskedLM model(small_options(40));
  const std::string ckpt = save_checkpoint(tmp.path(), model, tokenizer);
  export_checkpoint_hf(ckpt, (tmp / "hf").string());
  EXPECT_EQ(read_file(tmp / "hf" / kHfSentencePieceFile), tokenizer.serialized());
  EXPECT_FALSE(fs::exists(tmp / "hf" / kHfVocabFile));
  import_hf_checkpoint((tmp / "hf").string(), (tmp / "back.ckpt").string());
  LoadedModel back = load_model_checkpoint((tmp / "back.ckpt").string());
  expect_same_parameters(back.model, model);
  EXPECT_EQ(crc32(back.tokenizer_model), tokenizer.checksum());
}

TEST(HfCheckpoint, ImportErrorsNameTheProblem) {
  test::TempDir tmp;
  torch::manual_seed(5);
  export_hf(BertForMaskedLM(small_options(17)), (tmp / "none").string());
  EXPECT_THROW(import_hf_checkpoint((tmp / "none").string(), (tmp / "x.ckpt").string()), UserError);
  const fs::path accents = wordpiece_hf_dir(tmp / "accents", R"({"do_lower_case": true, "strip_accents": false})");
  EXPECT_THROW(load_hf_tokenizer(accents.string()), UserError);
  // A tokenizer larger than the model's vocabulary would index past the embeddings.
  const fs::path big = wordpiece_hf_dir(tmp / "big");
  test::write_text(big / kHfVocabFile, std::string(kVocab) + "extra\n");
  try {
    import_hf_checkpoint(big.string(), (tmp / "x.ckpt").string());
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("vocab_size"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp / "x.ckpt"));
}

TEST(HfCheckpoint, TokenizerJsonWithoutVocabTxt) {
  test::TempDir tmp;
  nlohmann::json vocab = nlohmann::json::object();
  std::vector<std::string> tokens;
  std::istringstream in(kVocab);
  for (std::string line; std::getline(in, line);) tokens.push_back(line);
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  nlohmann::json j = {{"model", {{"type", "WordPiece"}, {"vocab", vocab}, {"continuing_subword_prefix", "##"}}},
                      {"normalizer", {{"type", "BertNormalizer"}, {"lowercase", false}, {"strip_accents", nullptr}}},
                      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}}};
  test::write_text(tmp / kHfTokenizerJsonFile, j.dump());
  const Tokenizer t = load_hf_tokenizer(tmp.path().string());
  ASSERT_NE(t.wordpiece(), nullptr);
  EXPECT_FALSE(t.wordpiece()->lowercase());
  EXPECT_EQ(t.wordpiece()->vocab_text(), kVocab);
  EXPECT_EQ(t.encode_text("the cats [MASK]"), (std::vector<int32_t>{1, 3, 9, 7}));
  j["model"]["type"] = "BPE";
  test::write_text(tmp / kHfTokenizerJsonFile, j.dump());
  EXPECT_THROW(load_hf_tokenizer(tmp.path().string()), UserError);
  j["model"]["type"] = "WordPiece";
  j["model"]["vocab"]["dog"] = 1;  // two tokens with id 1
  test::write_text(tmp / kHfTokenizerJsonFile, j.dump());
  EXPECT_THROW(load_hf_tokenizer(tmp.path().string()), UserError);
}

TEST(FillMask, TopKLogProbabilitiesAtEveryMask) {
  test::TempDir tmp;
  const fs::path hf = wordpiece_hf_dir(tmp / "hf");
  BertForMaskedLM model = import_hf(hf.string());
  model->train();
  const Tokenizer tokenizer = load_hf_tokenizer(hf.string());
  const auto ids = fill_mask_ids_from_text(tokenizer, "The [MASK] sat on a [MASK].");
  EXPECT_EQ(ids, (std::vector<int32_t>{5, 1, 7, 8, 10, 13, 7, 12, 6}));
  const FillMaskResult result = fill_mask(model, tokenizer, ids, 4);
  EXPECT_TRUE(model->is_training());  // mode restored
  ASSERT_EQ(result.masks.size(), 2u);
  EXPECT_EQ(result.masks[0].position, 2);
  EXPECT_EQ(result.masks[1].position, 6);
  ASSERT_EQ(result.logits.sizes(), (torch::IntArrayRef{9, 17}));
  for (const auto& m : result.masks) {
    ASSERT_EQ(m.ids.size(), 4u);
    const auto expected = torch::log_softmax(result.logits[m.position].to(torch::kFloat64), -1);
    for (size_t j = 0; j < m.ids.size(); ++j) {
      EXPECT_NEAR(m.logprobs[j], expected[m.ids[j]].item<double>(), 1e-9);
      if (j > 0) {
        EXPECT_GE(m.logprobs[j - 1], m.logprobs[j]);
      }
    }
    EXPECT_NEAR(m.logprobs[0], expected.max().item<double>(), 1e-9);
  }
  const nlohmann::ordered_json json = fill_mask_json(result, tokenizer);
  EXPECT_EQ(json["masks"][0]["top"][0].begin().key(), "id");  // docs/INTERFACE.md's key order
  ASSERT_EQ(json["masks"].size(), 2u);
  EXPECT_EQ(json["masks"][1]["position"], 6);
  EXPECT_EQ(json["masks"][0]["top"].size(), 4u);
  EXPECT_EQ(json["masks"][0]["top"][0]["token"], tokenizer.piece(result.masks[0].ids[0]));
  EXPECT_NE(fill_mask_table(result, tokenizer).find("[MASK] at position 6"), std::string::npos);
  EXPECT_EQ(fill_mask(model, tokenizer, ids, 1000).masks[0].ids.size(), 17u);  // capped at the vocabulary

  EXPECT_THROW(fill_mask(model, tokenizer, {5, 1, 6}, 3), UserError);       // no [MASK]
  EXPECT_THROW(fill_mask(model, tokenizer, {5, 7, 17, 6}, 3), UserError);   // id out of range
  EXPECT_THROW(fill_mask(model, tokenizer, {5, 7, 6}, 0), UserError);       // top-k
  EXPECT_THROW(fill_mask(model, tokenizer, std::vector<int32_t>(25, 7), 3), UserError);  // past the positions
  EXPECT_EQ(parse_id_list(" 5 7\t6 "), (std::vector<int32_t>{5, 7, 6}));
  EXPECT_THROW(parse_id_list("5 x 6"), UserError);
  EXPECT_THROW(parse_id_list("5 7.5"), UserError);
}

TEST(FillMaskCli, JsonTableAndErrors) {
  test::TempDir tmp;
  const fs::path hf = wordpiece_hf_dir(tmp / "hf");
  const std::string ckpt = (tmp / "m.ckpt").string();
  auto r = test::run_cli("import --hf " + hf.string() + " --out " + ckpt);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_cli("fill-mask --checkpoint " + ckpt + " --json --top-k 2 'the [MASK] sat'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["masks"].size(), 1u);
  EXPECT_EQ(json["masks"][0]["position"], 2);
  EXPECT_EQ(json["masks"][0]["top"].size(), 2u);
  EXPECT_LE(json["masks"][0]["top"][0]["logprob"].get<double>(), 0.0);
  const auto by_ids = test::run_cli("fill-mask --checkpoint " + ckpt + " --json --top-k 2 --ids '5 1 7 8 6'");
  EXPECT_EQ(by_ids.out, r.out);
  r = test::run_cli("fill-mask --checkpoint " + ckpt + " 'the [MASK] sat'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[MASK] at position 2"), std::string::npos) << r.out;

  const std::vector<std::pair<std::string, std::string>> errors = {
      {"fill-mask --checkpoint " + ckpt + " 'the dog sat'", "no [MASK]"},
      {"fill-mask --checkpoint " + ckpt + " --ids '5 7 99 6'", "outside the model's vocabulary"},
      {"fill-mask --checkpoint " + ckpt + " --ids '5 7 6' 'the [MASK]'", "either TEXT or --ids"},
      {"fill-mask --checkpoint " + ckpt, "either TEXT or --ids"},
      {"fill-mask --checkpoint " + (tmp / "missing.ckpt").string() + " 'a [MASK]'", "missing.ckpt"},
      {"export --checkpoint " + ckpt, "--out"},
      {"import --hf " + (tmp / "nowhere").string() + " --out " + ckpt + "2", "nowhere"},
  };
  for (const auto& [args, needle] : errors) {
    r = test::run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << args << "\n" << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line expected:\n" << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.err;
  }
}

}  // namespace
}  // namespace sasmlm
