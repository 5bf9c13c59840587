#include "sasmlm/data/tokenizer.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <exception>
#include <unordered_map>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/hf_tokenizer_json.h"
#include "sasmlm/data/sentencepiece_model.h"
#include "sasmlm/data/text_words.h"
#include "sasmlm/data/unigram_encoder.h"
#include "sasmlm/data/wordpiece.h"

// Exported by libsentencepiece (the spm tools' --minloglevel) but not declared in its public headers.
namespace sentencepiece::logging {
int GetMinLogLevel();
void SetMinLogLevel(int v);
}

namespace sasmlm {
namespace {

// Fixed so training gives the same model bytes on every machine (the EM sums depend on the thread split).
constexpr int kTrainThreads = 4;
constexpr unsigned kTrainSeed = 20240507u;
constexpr int kSentencePieceInfo = 0;
constexpr int kSentencePieceError = 2;

// Feeds the words of a WordSource to the SentencePiece trainer, one sentence per line, up to a word budget.
// An exception from the source (a bad CoNLL-U line) is parked and rethrown by the caller rather than unwound
// through SentencePiece's code.
class WordSourceIterator : public sentencepiece::SentenceIterator {
 public:
  WordSourceIterator(const Tokenizer::WordSource& source, int64_t max_words)
      : source_(source), budget_(max_words) {
    Next();
  }
  bool done() const override { return done_; }
  const std::string& value() const override { return line_; }
  sentencepiece::util::Status status() const override {
    if (error_) return {sentencepiece::util::StatusCode::kAborted, "reading the training words failed"};
    return {};
  }
  void Next() override {
    line_.clear();
    try {
      while (line_.empty()) {
        if (budget_ <= 0 || !source_(words_)) {
          done_ = true;
          return;
        }
        for (const auto& w : words_) {
          if (budget_ <= 0) break;
          if (!line_.empty()) line_ += ' ';
          line_ += w;
          --budget_;
          ++words_used_;
        }
      }
    } catch (...) {
      error_ = std::current_exception();
      done_ = true;
    }
  }
  void rethrow_error() const {
    if (error_) std::rethrow_exception(error_);
  }
  int64_t words_used() const { return words_used_; }

 private:
  const Tokenizer::WordSource& source_;
  int64_t budget_;
  int64_t words_used_ = 0;
  std::vector<std::string> words_;
  std::string line_;
  bool done_ = false;
  std::exception_ptr error_;
};

// The number after "<= " in SentencePiece's "Vocabulary size too high (N). Please set it to a value <= M.".
int64_t parse_vocab_limit(const std::string& message) {
  const size_t at = message.find("<= ");
  if (at == std::string::npos) return -1;
  char* end = nullptr;
  const long long v = std::strtoll(message.c_str() + at + 3, &end, 10);
  return end == message.c_str() + at + 3 ? -1 : v;
}

void validate_config(const TokenizerConfig& c) {
  if (c.type != "unigram" && c.type != "bpe") {
    throw UserError("tokenizer.type: expected unigram or bpe, found '" + c.type + "'");
  }
  if (c.vocab_size <= kNumSpecialTokens + 1) {
    throw UserError("tokenizer.vocab_size: expected more than " + std::to_string(kNumSpecialTokens + 1) +
                    " (the special tokens [PAD] [UNK] [CLS] [SEP] [MASK] are included), found " +
                    std::to_string(c.vocab_size));
  }
  if (!(c.character_coverage > 0.0 && c.character_coverage <= 1.0)) {
    throw UserError("tokenizer.character_coverage: expected a value in (0, 1], found " +
                    std::to_string(c.character_coverage));
  }
  if (c.max_training_words <= 0) {
    throw UserError("tokenizer.max_training_words: expected a positive count, found " +
                    std::to_string(c.max_training_words));
  }
}

}  // namespace

Tokenizer::Tokenizer() = default;
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::train(const WordSource& next_sentence, const TokenizerConfig& config) {
  validate_config(config);
  const bool byte_fallback = config.vocab_size >= kByteFallbackMinVocab;
  std::unordered_map<std::string, std::string> args = {
      {"model_type", config.type},
      {"vocab_size", std::to_string(config.vocab_size)},
      {"character_coverage", std::to_string(config.character_coverage)},
      {"pad_id", std::to_string(kPadId)},
      {"unk_id", std::to_string(kUnkId)},
      {"bos_id", std::to_string(kClsId)},
      {"eos_id", std::to_string(kSepId)},
      {"pad_piece", kSpecialPieces[kPadId]},
      {"unk_piece", kSpecialPieces[kUnkId]},
      {"bos_piece", kSpecialPieces[kClsId]},
      {"eos_piece", kSpecialPieces[kSepId]},
      {"control_symbols", kSpecialPieces[kMaskId]},
      {"normalization_rule_name", "identity"},  // exact round trips: the form is never rewritten
      {"remove_extra_whitespaces", "false"},
      {"add_dummy_prefix", "true"},             // every word starts with the word-start marker
      {"byte_fallback", byte_fallback ? "true" : "false"},
      {"hard_vocab_limit", "true"},
      {"input_sentence_size", "0"},             // our own cap (max_training_words) already bounds the input
      {"shuffle_input_sentence", "false"},
      {"max_sentence_length", "1048576"},
      {"num_threads", std::to_string(kTrainThreads)},
  };
  sentencepiece::SetRandomGeneratorSeed(kTrainSeed);
  const int saved_log_level = sentencepiece::logging::GetMinLogLevel();
  sentencepiece::logging::SetMinLogLevel(log_enabled(LogLevel::kDebug) ? kSentencePieceInfo : kSentencePieceError);

  WordSourceIterator iterator(next_sentence, config.max_training_words);
  iterator.rethrow_error();
  if (iterator.done()) throw UserError("tokenizer: no training words (hint: is data.train empty?)");
  std::string bytes;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &bytes);
  sentencepiece::logging::SetMinLogLevel(saved_log_level);
  iterator.rethrow_error();
  if (!status.ok()) {
    const std::string message = status.message();
    if (message.find("Vocabulary size too high") != std::string::npos) {
      const int64_t limit = parse_vocab_limit(message);
      throw UserError("tokenizer.vocab_size = " + std::to_string(config.vocab_size) +
                      " is larger than the training words allow" +
                      (limit > 0 ? " (SentencePiece's limit for them: " + std::to_string(limit) + ")" : "") +
                      " (hint: lower tokenizer.vocab_size" + (limit > 0 ? " to <= " + std::to_string(limit) : "") +
                      ", or add training data)");
    }
    if (message.find("smaller than required_chars") != std::string::npos) {
      throw UserError("tokenizer.vocab_size = " + std::to_string(config.vocab_size) +
                      " is too small for the characters of the training words (SentencePiece: " + message +
                      ")" + (byte_fallback ? " (byte fallback adds 256 pieces)" : ""));
    }
    throw UserError("tokenizer training failed: " + message);
  }
  log_debug("tokenizer: trained ", config.type, " with ", config.vocab_size, " pieces on ", iterator.words_used(),
            " words");
  Tokenizer t;
  t.init(std::move(bytes), "trained tokenizer");
  return t;
}

Tokenizer Tokenizer::train(const std::vector<std::vector<std::string>>& sentences, const TokenizerConfig& config) {
  size_t next = 0;
  return train(
      [&](std::vector<std::string>& words) {
        if (next == sentences.size()) return false;
        words = sentences[next++];
        return true;
      },
      config);
}

Tokenizer Tokenizer::load(const std::string& path) { return from_serialized(read_file(path, "tokenizer model"), path); }

Tokenizer Tokenizer::from_serialized(const std::string& bytes, const std::string& what) {
  Tokenizer t;
  if (WordPiece::is_serialized(bytes)) {
    t.init_wordpiece(WordPiece::from_serialized(bytes, what));
  } else {
    t.init(bytes, what);
  }
  return t;
}

Tokenizer Tokenizer::from_path(const std::string& path, bool lowercase) {
  const std::string what = "tokenizer.path " + path;
  auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const std::string bytes = read_file(path, "tokenizer.path");
  if (ends_with(".txt")) return from_wordpiece_vocab(bytes, lowercase, what);
  if (ends_with(".json")) {
    const HfWordPieceVocab vocab = parse_hf_tokenizer_json(bytes, what);
    return from_wordpiece_vocab(vocab.vocab_text, vocab.lowercase, what);
  }
  return from_serialized(bytes, what);
}

Tokenizer Tokenizer::from_wordpiece_vocab(const std::string& vocab_text, bool lowercase, const std::string& what) {
  Tokenizer t;
  t.init_wordpiece(WordPiece::from_vocab_text(vocab_text, lowercase, what));
  return t;
}

void Tokenizer::init_wordpiece(WordPiece wordpiece) {
  wordpiece_ = std::make_unique<WordPiece>(std::move(wordpiece));
  pad_id_ = wordpiece_->pad_id();
  unk_id_ = wordpiece_->unk_id();
  cls_id_ = wordpiece_->cls_id();
  sep_id_ = wordpiece_->sep_id();
  mask_id_ = wordpiece_->mask_id();
  serialized_ = wordpiece_->serialized();
  checksum_ = crc32(serialized_);
}

void Tokenizer::init(std::string bytes, const std::string& what) {
  auto processor = std::make_unique<sentencepiece::SentencePieceProcessor>();
  const auto status = processor->LoadFromSerializedProto(bytes);
  if (!status.ok()) {
    throw UserError(what + ": not a valid SentencePiece model (" + std::string(status.message()) +
                    ") (hint: delete the prepared dir and rerun sasmlm prepare)");
  }
  for (int32_t id = 0; id < kNumSpecialTokens; ++id) {
    if (processor->GetPieceSize() <= id || processor->IdToPiece(id) != kSpecialPieces[id]) {
      throw UserError(what + ": piece " + std::to_string(id) + " is not " + kSpecialPieces[id] +
                      " (not a sasmlm tokenizer; expected [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0-4)");
    }
  }
  // sasmlm's own unigram models are encoded by UnigramEncoder: the pieces Hugging Face's Unigram gives too.
  const SentencePieceModel model = read_sentencepiece_model(bytes, what);
  if (model.type == SentencePieceModelType::kUnigram && sasmlm_kind_mismatch(model).empty()) {
    unigram_ = std::make_unique<UnigramEncoder>(model, kUnkId);
  }
  processor_ = std::move(processor);
  serialized_ = std::move(bytes);
  checksum_ = crc32(serialized_);
}

int32_t Tokenizer::encode_word_into(const std::string& word, std::vector<int32_t>& ids) const {
  if (wordpiece_) {
    const int32_t n = wordpiece_->encode_word_into(word, ids);
    if (n > 0) return n;
    ids.push_back(unk_id_);
    return 1;
  }
  SASMLM_CHECK(processor_ != nullptr, "tokenizer used before it was trained or loaded");
  if (unigram_) {
    const int32_t n = unigram_->encode_into(word, ids);
    if (n > 0) return n;
    ids.push_back(kUnkId);
    return 1;
  }
  std::vector<int> pieces;
  const auto status = processor_->Encode(word, &pieces);
  SASMLM_CHECK(status.ok(), "SentencePiece encode failed: " + std::string(status.message()));
  if (pieces.empty()) {
    ids.push_back(kUnkId);
    return 1;
  }
  ids.insert(ids.end(), pieces.begin(), pieces.end());
  return static_cast<int32_t>(pieces.size());
}

std::vector<int32_t> Tokenizer::encode_word(const std::string& word) const {
  std::vector<int32_t> ids;
  encode_word_into(word, ids);
  return ids;
}

std::string Tokenizer::decode_word(const std::vector<int32_t>& ids) const {
  if (wordpiece_) return wordpiece_->decode(ids);
  SASMLM_CHECK(processor_ != nullptr, "tokenizer used before it was trained or loaded");
  const std::vector<int> pieces(ids.begin(), ids.end());
  for (int id : pieces) {
    if (id < 0 || id >= processor_->GetPieceSize()) {
      throw UserError("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                      std::to_string(processor_->GetPieceSize() - 1) + ")");
    }
  }
  std::string text;
  const auto status = processor_->Decode(pieces, &text);
  SASMLM_CHECK(status.ok(), "SentencePiece decode failed: " + std::string(status.message()));
  return text;
}

std::vector<int32_t> Tokenizer::encode_text(const std::string& text) const {
  std::vector<int32_t> ids;
  if (wordpiece_) {
    wordpiece_->encode_text_into(text, ids);
    return ids;
  }
  for (const std::string& word : split_words(text)) {
    if (word == kMaskWord) {
      ids.push_back(mask_id());
    } else {
      encode_word_into(word, ids);
    }
  }
  return ids;
}

std::string Tokenizer::piece(int32_t id) const {
  if (wordpiece_) {
    if (id < 0 || id >= wordpiece_->size()) {
      throw UserError("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                      std::to_string(wordpiece_->size() - 1) + ")");
    }
    return wordpiece_->token(id);
  }
  SASMLM_CHECK(processor_ != nullptr, "tokenizer used before it was trained or loaded");
  if (id < 0 || id >= processor_->GetPieceSize()) {
    throw UserError("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                    std::to_string(processor_->GetPieceSize() - 1) + ")");
  }
  return processor_->IdToPiece(id);
}

int32_t Tokenizer::vocab_size() const {
  if (wordpiece_) return wordpiece_->size();
  SASMLM_CHECK(processor_ != nullptr, "tokenizer used before it was trained or loaded");
  return processor_->GetPieceSize();
}

void Tokenizer::save(const std::string& path) const {
  SASMLM_CHECK(processor_ != nullptr || wordpiece_ != nullptr, "saving an empty tokenizer");
  write_file_atomic(path, serialized_);
}

}  // namespace sasmlm
