#include "sasmlm/train/train_plan.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/input_paths.h"
#include "sasmlm/data/prepared_data.h"
#include "sasmlm/data/prepared_source.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/data/wordpiece.h"
#include "sasmlm/model/bert.h"
#include "sasmlm/sas/sas_normalization.h"
#include "sasmlm/sas/schedule.h"
#include "sasmlm/train/checkpoint.h"
#include "sasmlm/train/optimizer.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

// "1.2 GB", "340 MB", "12 kB".
std::string bytes_text(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1000 && u < 4) {
    bytes /= 1000;
    ++u;
  }
  return cat(fixed(bytes, u == 0 ? 0 : 1), " ", units[u]);
}

// 1234567 -> "1.23M", 5.2e9 -> "5.20G".
std::string count_text(double n) {
  if (n >= 1e9) return cat(fixed(n / 1e9, 2), "G");
  if (n >= 1e6) return cat(fixed(n / 1e6, 2), "M");
  if (n >= 1e4) return cat(fixed(n / 1e3, 1), "k");
  return cat(int64_t(n));
}

// The size of the file at `path` for the key `key`, or a UserError naming both when it is missing.
uintmax_t require_file(const std::string& key, const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    // The key names a list item as data.train[0]; --set spells the same path data.train.0.
    std::string set_key = key;
    const size_t open = set_key.find('[');
    if (open != std::string::npos && set_key.back() == ']') {
      set_key = cat(set_key.substr(0, open), ".", set_key.substr(open + 1, set_key.size() - open - 2));
    }
    throw UserError(cat(key, ": ", path, " not found (hint: paths in a config are relative to the directory "
                                         "sasmlm runs in, or set it with --set ", set_key, "=...)"));
  }
  return fs::file_size(path, ec);
}

std::string lambda_meaning(double lambda) {
  if (lambda > 0) return "suppresses SAS";
  if (lambda < 0) return "promotes SAS";
  return "off";
}

}  // namespace

std::string describe_train_plan(const Config& c, int64_t world_size) {
  std::ostringstream out;
  out << "dry run of " << (c.source_path.empty() ? std::string("the config") : c.source_path)
      << ": resolved and validated; nothing is trained or written\n";

  // Inputs.
  // Directories and patterns expand as prepare expands them (input_paths.h).
  uintmax_t input_bytes = 0;
  const std::vector<InputPath> train_files = expand_input_paths(c.data.train, "data.train");
  const std::vector<InputPath> dev_files = expand_input_paths(c.data.dev, "data.dev");
  for (const auto& f : train_files) input_bytes += require_file(f.origin, f.path);
  for (const auto& f : dev_files) require_file(f.origin, f.path);
  if (!c.eval.uas.empty()) require_file("eval.uas", c.eval.uas);
  if (!c.tokenizer.path.empty()) require_file("tokenizer.path", c.tokenizer.path);
  if (!c.eval.blimp.empty() && !fs::is_directory(c.eval.blimp)) {
    throw UserError(cat("eval.blimp: ", c.eval.blimp, " is not a directory (hint: BLiMP's data/ folder)"));
  }
  if (c.trainer.batch_size % world_size != 0) {
    throw UserError(cat("trainer.batch_size (", c.trainer.batch_size, ") is not divisible by the number of ranks (",
                        world_size, ")"));
  }
  const fs::path run_dir(c.run.dir);
  const size_t existing = fs::is_directory(run_dir / "checkpoints")
                              ? list_checkpoints((run_dir / "checkpoints").string()).size() : 0;
  out << "run:         " << c.run.dir << ", seed " << c.run.seed
      << (existing > 0 ? cat(" (holds ", existing, " checkpoints: continue with --resume auto)") : std::string())
      << "\n";

  // Data: opened when already prepared for this config.
  const std::string prepared_dir = prepared_dir_for(c.data, c.run.dir);
  int64_t vocab = c.tokenizer.vocab_size;
  int64_t train_sequences = 0;
  double parsed_share = -1;  // known once prepared
  out << "data:        " << train_files.size() << " training file(s), " << bytes_text(double(input_bytes)) << "; "
      << dev_files.size() << " dev file(s); sequences of at most " << c.data.max_seq_len << " tokens\n";
  if (prepared_data_matches(c.data, c.tokenizer, prepared_dir)) {
    const PreparedData data(prepared_dir);
    vocab = data.vocab_size();
    train_sequences = data.num_sequences("train");
    const SplitSummary& t = data.counts("train");
    parsed_share = t.parsed_share();
    out << "             prepared in " << prepared_dir << ": " << t.sequences << " training sequences, "
        << count_text(double(t.tokens)) << " tokens, " << t.arcs << " arcs, vocabulary " << vocab << "\n";
    out << "             parsed share " << fixed(t.parsed_share(), 4) << " (" << t.parsed_sequences
        << " sequences from CoNLL-U, the rest plain text: MLM loss only)\n";
  } else {
    out << "             not prepared yet: the run (or `sasmlm prepare`) prepares it in " << prepared_dir << "\n";
  }
  if (!c.tokenizer.path.empty()) {
    const Tokenizer tokenizer = Tokenizer::from_path(c.tokenizer.path, c.tokenizer.lowercase);
    vocab = tokenizer.vocab_size();
    const WordPiece* wordpiece = tokenizer.wordpiece();
    const std::string kind = wordpiece == nullptr ? "SentencePiece"
                             : wordpiece->lowercase() ? "WordPiece, lower-cased"
                                                      : "WordPiece, cased";
    out << "tokenizer:   " << c.tokenizer.path << " (" << kind << ", " << vocab << " pieces)\n";
  } else {
    out << "tokenizer:   SentencePiece " << c.tokenizer.type << ", " << c.tokenizer.vocab_size
        << " pieces, trained on data.train when preparing\n";
  }

  // Model.
  const BertOptions options = bert_options_from(c.model, vocab);
  torch::manual_seed(0);
  const BertForMaskedLM model(options);
  const int64_t parameters = count_parameters(*model);
  out << "model:       " << c.model.preset << ": " << options.layers << " layers, hidden " << options.hidden << ", "
      << options.heads << " heads, FFN " << options.intermediate << ", vocabulary " << vocab << ": "
      << count_text(double(parameters)) << " parameters\n";

  // Steps and tokens.
  const TrainerConfig& t = c.trainer;
  const int64_t per_rank = t.batch_size / world_size;
  const int64_t micro = t.micro_batch_size > 0 ? std::min(t.micro_batch_size, per_rank) : per_rank;
  const int64_t accumulation = (per_rank + micro - 1) / micro;
  const double tokens_per_step = double(t.batch_size) * double(c.data.max_seq_len);
  out << "steps:       " << t.max_steps << " optimizer steps of " << t.batch_size << " sequences (" << world_size
      << " rank(s) x " << per_rank << ", micro-batches of " << micro << ", " << accumulation
      << " per step); at most " << count_text(tokens_per_step) << " tokens per step, "
      << count_text(tokens_per_step * double(t.max_steps)) << " in all";
  if (train_sequences > 0) {
    out << "; " << fixed(double(t.max_steps) * double(t.batch_size) / double(train_sequences), 2) << " epochs";
  }
  out << "\n";
  const int64_t horizon = t.decay_horizon > 0 ? t.decay_horizon : t.max_steps;
  out << "lr:          AdamW peak " << t.lr << " (betas " << t.beta1 << ", " << t.beta2 << ", eps " << t.eps
      << ", weight decay " << t.weight_decay << "), warmup " << t.warmup_steps << " steps, " << t.lr_schedule
      << (t.lr_schedule == "constant" ? std::string() : cat(" to 0 at step ", horizon)) << "; lr at the last step "
      << learning_rate_at(t, t.max_steps - 1) << "; gradient clip " << t.grad_clip << "\n";

  // Checkpoints.
  std::set<int64_t> at;
  for (int64_t s : c.checkpoint.at) {
    if (s > 0 && s <= t.max_steps) at.insert(s);
  }
  const int64_t periodic = c.checkpoint.every > 0 ? t.max_steps / c.checkpoint.every : 0;
  const double checkpoint_bytes = 3.0 * 4.0 * double(parameters);  // fp32 weights + AdamW's two moments
  out << "checkpoints: " << (c.checkpoint.every > 0 ? cat("every ", c.checkpoint.every, " steps (", periodic,
                                                           ", the last ", c.checkpoint.keep_last, " kept)")
                                                     : std::string("at the end"));
  if (!at.empty()) {
    out << " + kept at " << at.size() << " steps (" << *at.begin() << " .. " << *at.rbegin() << ")";
  }
  out << "; about " << bytes_text(checkpoint_bytes) << " each, "
      << bytes_text(checkpoint_bytes * double(at.size() + size_t(std::max<int64_t>(1, c.checkpoint.keep_last))))
      << " on disk at most\n";

  // SAS.
  const SasNormalizer normalizer = SasNormalizer::from(c.sas);
  const LambdaSchedule schedule(c.sas.schedule);
  out << "sas:         variant " << c.sas.variant << (c.sas.variant == "uniform" ? cat(" (p ", c.sas.p, ")") : "")
      << ", directions " << c.sas.directions << ", "
      << (c.sas.layers.empty() ? std::string("all layers") : cat(c.sas.layers.size(), " layers")) << ", "
      << c.sas.probabilities << " probabilities; normalization " << c.sas.normalization << ": ";
  switch (normalizer.kind) {
    case SasNormalization::kPerSequence:
      out << "lambda multiplies R per parsed sequence (= the authors' --lambda_reg x their per-device batch x the "
             "parsed share";
      if (parsed_share > 0) {
        out << "; here lambda_reg = lambda / (" << normalizer.authors_micro_batch << " x " << fixed(parsed_share, 4)
            << ")";
      }
      out << ")\n";
      break;
    case SasNormalization::kAuthors:
      out << "lambda is the authors' --lambda_reg with per-device batches of " << normalizer.authors_micro_batch
          << " (per sequence: lambda x " << normalizer.authors_micro_batch << " x the step's sequences / its "
          << "parsed sequences)\n";
      break;
    case SasNormalization::kPerArc:
      out << "lambda multiplies R per arc of the step\n";
      break;
    case SasNormalization::kPerToken:
      out << "lambda multiplies R per real token of the step\n";
      break;
    case SasNormalization::kNone:
      out << "lambda multiplies R summed over the whole step (it grows with the batch)\n";
      break;
  }
  if (!schedule.ever_nonzero()) {
    out << "             lambda is 0 at every step: no SAS term, attention takes the fast path\n";
  } else {
    int64_t start = 0;
    for (const SasWindow& w : schedule.windows()) {
      if (start >= t.max_steps) break;
      const int64_t end = w.until ? std::min(*w.until, t.max_steps) : t.max_steps;
      out << "             steps [" << start << ", " << end << "): lambda " << w.lambda;
      if (w.ramp_to) out << " -> " << *w.ramp_to << " (linear)";
      out << " (" << lambda_meaning(w.lambda)
          << (w.ramp_to ? cat(" at first, then ", lambda_meaning(*w.ramp_to)) : std::string()) << ")\n";
      if (!w.until) break;
      start = *w.until;
    }
    if (c.sas.variant == "uniform" && c.sas.p != 1.0 && !normalizer.root_per_sequence() &&
        micro != normalizer.authors_micro_batch) {
      out << "warning:     uniform with p != 1 takes its root per micro-batch here (" << micro << " sequences), the "
          << "authors' per-device batch (" << normalizer.authors_micro_batch
          << "): set trainer.micro_batch_size to match, or use normalization per_sequence\n";
    }
  }

  // Evaluation.
  if (c.eval.every > 0) {
    out << "eval:        every " << c.eval.every << " steps: dev MLM loss"
        << (c.eval.uas.empty() ? std::string() : cat(", UAS on ", c.eval.uas))
        << (c.eval.blimp.empty() ? std::string() : cat(", BLiMP from ", c.eval.blimp)) << "\n";
  } else {
    out << "eval:        off during training (sasmlm eval --run " << c.run.dir << " scores the checkpoints later)\n";
  }
  return out.str();
}

}  // namespace sasmlm
