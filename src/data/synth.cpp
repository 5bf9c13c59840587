#include "sasmlm/data/synth.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/rng.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepthLimit = 6;          // deeper embedding only makes sentences unreadably long
constexpr size_t kFlushBytes = 1 << 20;    // buffer this much CoNLL-U before each write
constexpr int kMaxRedraws = 1000;          // redraws of a held-out sentence that also occurs in train

// FNV-1a: a platform-independent 64-bit hash, so which sentences count as seen never depends on the build.
uint64_t fnv1a(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

void validate(const SynthOptions& o) {
  if (o.out_dir.empty()) throw UserError("synth: --out is required (the directory to write the corpus to)");
  if (o.sentences < 1) {
    throw UserError("synth: --sentences must be at least 1, got " + std::to_string(o.sentences));
  }
  auto check_fraction = [](const char* name, double value) {
    if (!(value >= 0.0 && value < 1.0)) {
      throw UserError(std::string("synth: ") + name + " must be in [0, 1), got " + std::to_string(value));
    }
  };
  check_fraction("dev_fraction", o.dev_fraction);
  check_fraction("test_fraction", o.test_fraction);
  if (o.dev_fraction + o.test_fraction >= 1.0) {
    throw UserError("synth: dev_fraction + test_fraction must be below 1 (the rest is train), got " +
                    std::to_string(o.dev_fraction + o.test_fraction));
  }
  if (o.pairs_per_paradigm < 0) {
    throw UserError("synth: pairs_per_paradigm must be >= 0, got " + std::to_string(o.pairs_per_paradigm));
  }
  if (o.max_depth < 0 || o.max_depth > kMaxDepthLimit) {
    throw UserError("synth: max_depth must be in [0, " + std::to_string(kMaxDepthLimit) + "], got " +
                    std::to_string(o.max_depth));
  }
  if (o.sentences_per_document < 1) {
    throw UserError("synth: sentences_per_document must be at least 1, got " +
                    std::to_string(o.sentences_per_document));
  }
}

// Sentences of a split: its share rounded, and at least one so that every file holds a sentence.
int64_t split_size(int64_t total, double fraction) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(total) * fraction));
}

// Writes one split; returns its word count. Train records its sentences in `train_texts`; dev and test redraw
// sentences found there, so held-out data is held out (short sentences like "Laura laughs." recur otherwise).
int64_t write_split(const fs::path& path, const std::string& split, uint64_t seed, const SynthOptions& o,
                    int64_t count, std::unordered_set<uint64_t>& train_texts) {
  const bool is_train = split == "train";
  SynthGrammar grammar(seed, o.max_depth);
  AtomicFileWriter writer(path);
  std::string buffer;
  int64_t words = 0;
  for (int64_t i = 0; i < count; ++i) {
    ConlluSentence sentence = grammar.sentence();
    if (is_train) {
      train_texts.insert(fnv1a(sentence.text));
    } else {
      for (int k = 0; k < kMaxRedraws && train_texts.count(fnv1a(sentence.text)) != 0; ++k) {
        sentence = grammar.sentence();
      }
    }
    sentence.sent_id = "synth-" + split + "-" + std::to_string(i + 1);
    sentence.new_document = i % o.sentences_per_document == 0;
    words += static_cast<int64_t>(sentence.words.size());
    buffer += to_conllu(sentence);
    if (buffer.size() >= kFlushBytes) {
      writer.write(buffer);
      buffer.clear();
    }
  }
  writer.write(buffer);
  writer.commit();
  return words;
}

// Writes one paradigm's jsonl; returns the number of pairs.
int64_t write_paradigm(const fs::path& path, const SynthParadigm& paradigm, const SynthOptions& o) {
  const std::vector<MinimalPair> pairs = make_minimal_pairs(o.seed, o.max_depth, paradigm.uid, o.pairs_per_paradigm);
  if (static_cast<int64_t>(pairs.size()) < o.pairs_per_paradigm) {
    log_warn("synth: paradigm ", paradigm.uid, " has only ", pairs.size(), " distinct pairs (asked for ",
             o.pairs_per_paradigm, ")");
  }
  std::string text;
  for (size_t i = 0; i < pairs.size(); ++i) {
    nlohmann::ordered_json line;  // BLiMP's field order
    line["sentence_good"] = pairs[i].good.text;
    line["sentence_bad"] = pairs[i].bad.text;
    line["field"] = paradigm.field;
    line["linguistics_term"] = paradigm.linguistics_term;
    line["UID"] = paradigm.uid;
    line["pairID"] = std::to_string(i);
    text += line.dump() + "\n";
  }
  write_file_atomic(path, text);
  return static_cast<int64_t>(pairs.size());
}

}  // namespace

SynthSummary synthesize(const SynthOptions& options) {
  validate(options);
  const auto start = std::chrono::steady_clock::now();
  SynthSummary summary;
  summary.dev_sentences = split_size(options.sentences, options.dev_fraction);
  summary.test_sentences = split_size(options.sentences, options.test_fraction);
  summary.train_sentences = options.sentences - summary.dev_sentences - summary.test_sentences;
  if (summary.train_sentences < 1) {
    throw UserError("synth: --sentences " + std::to_string(options.sentences) +
                    " is too small: dev and test take at least one sentence each, train needs one more "
                    "(hint: use --sentences 3 or more)");
  }
  const fs::path dir(options.out_dir);
  ensure_directory(dir);
  const struct {
    const char* name;
    int64_t count;
  } splits[] = {{"train", summary.train_sentences}, {"dev", summary.dev_sentences}, {"test", summary.test_sentences}};
  std::unordered_set<uint64_t> train_texts;
  for (uint64_t s = 0; s < 3; ++s) {
    const uint64_t seed = derive_key(options.seed, 0x53594E5448ull /* "SYNTH" */, s);
    summary.words += write_split(dir / (std::string(splits[s].name) + ".conllu"), splits[s].name, seed, options,
                                 splits[s].count, train_texts);
  }
  if (options.pairs_per_paradigm > 0) {
    ensure_directory(dir / "blimp");
    for (const SynthParadigm& paradigm : synth_paradigms()) {
      summary.pairs += write_paradigm(dir / "blimp" / (std::string(paradigm.uid) + ".jsonl"), paradigm, options);
      ++summary.paradigms;
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log_info("synth: ", options.sentences, " sentences (", summary.words, " words) and ", summary.pairs,
           " minimal pairs in ", summary.paradigms, " paradigms written to ", options.out_dir, " in ",
           fixed(summary.seconds, 2), " s");
  return summary;
}

}  // namespace sasmlm
