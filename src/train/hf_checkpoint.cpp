#include "sasmlm/train/hf_checkpoint.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/output_path.h"
#include "sasmlm/data/hf_sentencepiece_json.h"
#include "sasmlm/data/wordpiece.h"
#include "sasmlm/model/hf_io.h"
#include "sasmlm/train/training_state.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// The special tokens as tokenizer_config.json names them (both kinds use BERT's).
nlohmann::json special_tokens_config(int64_t max_position) {
  return {{"unk_token", "[UNK]"},   {"pad_token", "[PAD]"},   {"cls_token", "[CLS]"},
          {"sep_token", "[SEP]"},   {"mask_token", "[MASK]"}, {"model_max_length", max_position}};
}

void write_wordpiece_files(const WordPiece& wordpiece, int64_t max_position, const fs::path& dir) {
  write_file_atomic(dir / kHfVocabFile, wordpiece.vocab_text());
  nlohmann::json tokenizer_config = {{"tokenizer_class", "BertTokenizer"}, {"do_lower_case", wordpiece.lowercase()},
                                     {"strip_accents", nullptr},           {"tokenize_chinese_chars", true}};
  tokenizer_config.update(special_tokens_config(max_position));
  write_file_atomic(dir / kHfTokenizerConfigFile, tokenizer_config.dump(2) + "\n");
}

// spiece.model (what `sasmlm import` reads back) and tokenizer.json (what transformers reads: the same pieces
// and sasmlm's word splitting, hf_sentencepiece_json.h), loaded by the generic fast tokenizer class.
void write_sentencepiece_files(const Tokenizer& tokenizer, const std::string& tokenizer_json, int64_t max_position,
                               const fs::path& dir) {
  write_file_atomic(dir / kHfSentencePieceFile, tokenizer.serialized());
  write_file_atomic(dir / kHfTokenizerJsonFile, tokenizer_json);
  nlohmann::json tokenizer_config = {{"tokenizer_class", "PreTrainedTokenizerFast"}};
  tokenizer_config.update(special_tokens_config(max_position));
  write_file_atomic(dir / kHfTokenizerConfigFile, tokenizer_config.dump(2) + "\n");
}

// tokenizer_config.json's boolean `key`, or `fallback` when the file or the key is absent or null.
bool config_flag(const nlohmann::json& config, const char* key, bool fallback, const fs::path& file) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_boolean()) {
    throw UserError(cat(file.string(), ": '", key, "' must be true or false, found ", config[key].dump()));
  }
  return config[key].get<bool>();
}

// A tokenizers-library tokenizer.json (what transformers 5's save_pretrained writes instead of vocab.txt), accepted
// when it is exactly BERT's pipeline: BertNormalizer, BertPreTokenizer and a WordPiece model with "##" and 100.
Tokenizer wordpiece_from_tokenizer_json(const fs::path& file) {
  const nlohmann::json j = nlohmann::json::parse(read_file(file, "tokenizer.json"), nullptr, false);
  auto refuse = [&](const std::string& what) -> UserError {
    return UserError(cat(file.string(), ": ", what, " (only BERT's WordPiece pipeline is read; hint: put the "
                         "model's vocab.txt beside it)"));
  };
  if (!j.is_object() || !j.contains("model") || !j["model"].is_object()) throw refuse("no \"model\" object");
  const nlohmann::json& model = j["model"];
  if (model.value("type", "") != "WordPiece") throw refuse("model type is not WordPiece");
  if (model.value("continuing_subword_prefix", kWordPieceContinuation) != std::string(kWordPieceContinuation) ||
      model.value("max_input_chars_per_word", kWordPieceMaxWordChars) != kWordPieceMaxWordChars) {
    throw refuse("WordPiece prefix or word length differs from BERT's ## and 100");
  }
  const nlohmann::json normalizer = j.value("normalizer", nlohmann::json());
  const nlohmann::json pre = j.value("pre_tokenizer", nlohmann::json());
  if (!normalizer.is_object() || normalizer.value("type", "") != "BertNormalizer" || !pre.is_object() ||
      pre.value("type", "") != "BertPreTokenizer") {
    throw refuse("normalizer/pre_tokenizer are not BertNormalizer/BertPreTokenizer");
  }
  const bool lowercase = normalizer.value("lowercase", true);
  const nlohmann::json strip = normalizer.value("strip_accents", nlohmann::json());
  if ((!strip.is_null() && strip != lowercase) || !normalizer.value("clean_text", true) ||
      !normalizer.value("handle_chinese_chars", true)) {
    throw refuse("BertNormalizer options other than BERT's (strip_accents = lowercase, clean_text, CJK handling)");
  }
  const nlohmann::json vocab = model.value("vocab", nlohmann::json());
  if (!vocab.is_object()) throw refuse("model.vocab is not an object");
  std::vector<std::string> tokens(vocab.size());
  std::vector<bool> seen(vocab.size(), false);
  for (const auto& [token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= int64_t(vocab.size()) ||
        seen[size_t(id.get<int64_t>())] || token.find_first_of("\r\n") != std::string::npos) {
      throw refuse(cat("vocab entry '", token, "' -> ", id.dump(), " breaks the ids 0..N-1, one token each"));
    }
    tokens[size_t(id.get<int64_t>())] = token;
    seen[size_t(id.get<int64_t>())] = true;
  }
  std::string text;
  for (const auto& t : tokens) text += t + "\n";
  return Tokenizer::from_wordpiece_vocab(text, lowercase, file.string());
}

}  // namespace

void write_hf_tokenizer_files(const Tokenizer& tokenizer, int64_t max_position, const std::string& out_dir) {
  if (const WordPiece* wordpiece = tokenizer.wordpiece()) {
    write_wordpiece_files(*wordpiece, max_position, out_dir);
    return;
  }
  // Made before any file is written: a model tokenizer.json cannot express leaves the directory as it was.
  const std::string json = sentencepiece_tokenizer_json(tokenizer.serialized(), "the tokenizer");
  write_sentencepiece_files(tokenizer, json, max_position, out_dir);
}

void export_checkpoint_hf(const std::string& checkpoint_path, const std::string& out_dir, bool force) {
  const fs::path dir(out_dir);
  check_output_directory(dir, "export --out", force,
                         {kHfConfigFile, kHfWeightsFile, kHfSentencePieceFile, kHfVocabFile, kHfTokenizerConfigFile,
                          kHfTokenizerJsonFile});
  LoadedModel loaded = load_model_checkpoint(checkpoint_path);
  const Tokenizer tokenizer = Tokenizer::from_serialized(loaded.tokenizer_model, checkpoint_path + " (tokenizer)");
  ensure_directory(dir);
  write_hf_tokenizer_files(tokenizer, loaded.model->options().max_position, out_dir);
  // The other kind's tokenizer files of an earlier export would be read (by `import`, by transformers) before the
  // new ones.
  std::error_code ec;
  if (tokenizer.wordpiece() != nullptr) {
    fs::remove(dir / kHfSentencePieceFile, ec);
    fs::remove(dir / kHfTokenizerJsonFile, ec);
  } else {
    fs::remove(dir / kHfVocabFile, ec);
  }
  export_hf(loaded.model, out_dir);
  log_info("exported ", checkpoint_path, " (step ", loaded.step, ") to ", out_dir);
}

Tokenizer load_hf_tokenizer(const std::string& dir) {
  const fs::path vocab = fs::path(dir) / kHfVocabFile;
  const fs::path spiece = fs::path(dir) / kHfSentencePieceFile;
  if (fs::exists(vocab)) {
    const fs::path config_file = fs::path(dir) / kHfTokenizerConfigFile;
    nlohmann::json config = nlohmann::json::object();
    if (fs::exists(config_file)) {
      config = nlohmann::json::parse(read_file(config_file, "tokenizer config"), nullptr, false);
      if (!config.is_object()) throw UserError(cat(config_file.string(), ": expected a JSON object"));
    }
    const bool lowercase = config_flag(config, "do_lower_case", true, config_file);
    if (config_flag(config, "strip_accents", lowercase, config_file) != lowercase) {
      throw UserError(cat(config_file.string(), ": strip_accents differs from do_lower_case; sasmlm's WordPiece "
                          "strips accents exactly when it lowercases (as BERT does)"));
    }
    if (!config_flag(config, "tokenize_chinese_chars", true, config_file)) {
      throw UserError(cat(config_file.string(), ": tokenize_chinese_chars false is not supported"));
    }
    return Tokenizer::from_wordpiece_vocab(read_file(vocab, "WordPiece vocabulary"), lowercase, vocab.string());
  }
  // sasmlm's own exports hold spiece.model and a tokenizer.json made from it: the model is the exact source.
  if (fs::exists(spiece)) return Tokenizer::load(spiece.string());
  if (fs::exists(fs::path(dir) / kHfTokenizerJsonFile)) {
    return wordpiece_from_tokenizer_json(fs::path(dir) / kHfTokenizerJsonFile);
  }
  throw UserError(cat(dir, ": no tokenizer found (expected ", kHfVocabFile, ", ", kHfTokenizerJsonFile, " or ",
                      kHfSentencePieceFile, ")"));
}

Config imported_config(const BertOptions& o, const Tokenizer& tokenizer) {
  Config config;
  for (const auto& preset : bert_presets()) {
    if (preset.layers == o.layers && preset.hidden == o.hidden) config.model.preset = preset.name;
  }
  config.model.layers = o.layers;
  config.model.hidden = o.hidden;
  config.model.heads = o.heads;
  config.model.intermediate = o.intermediate;
  config.model.max_position = o.max_position;
  config.model.type_vocab = o.type_vocab;
  config.model.dropout = o.dropout;
  config.model.attention_dropout = o.attention_dropout;
  config.model.layer_norm_eps = o.layer_norm_eps;
  config.model.init_std = o.init_std;
  config.tokenizer.vocab_size = tokenizer.vocab_size();
  config.data.max_seq_len = std::min(config.data.max_seq_len, o.max_position);
  validate_config(config);
  return config;
}

namespace {
// An earlier import: a checkpoint at step 0 (training checkpoints start at step 1).
bool is_imported_checkpoint(const fs::path& path) {
  try {
    return read_checkpoint(path.string()).metadata.at("step").get<int64_t>() == 0;
  } catch (const std::exception&) {
    return false;
  }
}
}  // namespace

void import_hf_checkpoint(const std::string& hf_dir, const std::string& out_path, bool force) {
  check_output_file(out_path, "import --out", force, is_imported_checkpoint);
  BertForMaskedLM model = import_hf(hf_dir);
  const Tokenizer tokenizer = load_hf_tokenizer(hf_dir);
  const BertOptions& options = model->options();
  if (tokenizer.vocab_size() > options.vocab_size) {
    throw UserError(cat(hf_dir, ": the tokenizer has ", tokenizer.vocab_size(),
                        " tokens but config.json's vocab_size is ", options.vocab_size,
                        " (ids past the embedding matrix)"));
  }
  TrainingSnapshot snapshot;
  snapshot.model = model;
  snapshot.config_yaml = dump_config(imported_config(options, tokenizer));
  snapshot.tokenizer_model = tokenizer.serialized();
  snapshot.tokenizer_checksum = tokenizer.checksum();
  // save_training_checkpoint names its file after the step: write into a scratch directory beside the target, then
  // rename (atomic on one filesystem).
  const fs::path target = fs::absolute(out_path);
  ensure_directory(target.parent_path());
  const fs::path scratch = target.parent_path() / (target.filename().string() + ".import-tmp");
  fs::remove_all(scratch);
  ensure_directory(scratch);
  const std::string written = save_training_checkpoint(scratch.string(), snapshot);
  fs::rename(written, target);
  fs::remove_all(scratch);
  log_info("imported ", hf_dir, " (", count_parameters(*model), " parameters, ", tokenizer.vocab_size(), "-token ",
           tokenizer.wordpiece() ? "WordPiece" : "SentencePiece", " tokenizer) into ", target.string());
}

}  // namespace sasmlm
