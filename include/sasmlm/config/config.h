// Plain configuration structs, one per module, with defaults and a one-line comment per field.
//
// Parsed once from YAML at the edge (config_loader.h); modules receive their own struct, never a global.
// Each struct's visit() lists its fields once, so parsing, validation messages and the resolved dump never drift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sasmlm {

struct RunConfig {
  std::string dir = "runs/default";  // run directory: config.yaml, train.log, metrics.jsonl, checkpoints/
  int64_t seed = 1234;               // master seed: model init, masking, shuffling, dropout

  template <class V> void visit(V& v) {
    v("dir", dir, "run directory: config.yaml, train.log, metrics.jsonl, checkpoints/");
    v("seed", seed, "master seed: model init, masking, shuffling, dropout");
  }
};

struct DataConfig {
  std::vector<std::string> train;           // training files, directories or globs (CoNLL-U; .txt: MLM only; .gz)
  std::vector<std::string> dev;             // held-out files, directories or globs, as train
  std::string prepared_dir = "";            // tokenizer, shards, manifest.json ("" = <run.dir>/prepared)
  int64_t max_seq_len = 128;                // sequence length including [CLS] and [SEP]
  bool pack = true;                         // pack consecutive sentences of a document into one sequence
  std::string long_sentences = "split";     // over-long sentences: split | drop
  std::string arc_pieces = "first";         // which pieces of a dependent carry its arc: first | all
  bool skip_invalid = false;                // count and skip invalid CoNLL-U sentences instead of failing
  double mask_prob = 0.15;                  // share of maskable tokens selected for prediction
  double mask_replace_prob = 0.8;           // of selected: replaced by [MASK]
  double random_replace_prob = 0.1;         // of selected: replaced by a random token (rest kept)
  int64_t prefetch = 4;                     // batches prepared ahead by the loader thread
  int64_t shard_sequences = 65536;          // sequences per shard file
  int64_t prepare_threads = 0;              // threads tokenizing in prepare (0 = all CPUs); same output for any

  template <class V> void visit(V& v) {
    v("train", train, "CoNLL-U files, directories or globs for training (.txt: plain text, one sentence per line, "
                      "blank line between documents; no arcs, MLM loss only; .gz ok)");
    v("dev", dev, "CoNLL-U (or .txt plain-text) files, directories or globs for held-out MLM loss");
    v("prepared_dir", prepared_dir, "tokenizer, shards, manifest.json (\"\" = <run.dir>/prepared)");
    v("max_seq_len", max_seq_len, "sequence length including [CLS] and [SEP]");
    v("pack", pack, "pack consecutive sentences of a document into one sequence");
    v("long_sentences", long_sentences, "over-long sentences: split | drop");
    v("arc_pieces", arc_pieces, "which pieces of a dependent carry its arc: first | all");
    v("skip_invalid", skip_invalid, "count and skip invalid CoNLL-U sentences instead of failing");
    v("mask_prob", mask_prob, "share of maskable tokens selected for prediction");
    v("mask_replace_prob", mask_replace_prob, "of selected: replaced by [MASK]");
    v("random_replace_prob", random_replace_prob, "of selected: replaced by a random token (rest kept)");
    v("prefetch", prefetch, "batches prepared ahead by the loader thread");
    v("shard_sequences", shard_sequences, "sequences per shard file");
    v("prepare_threads", prepare_threads, "threads tokenizing in prepare (0 = all CPUs); same output for any");
  }
};

struct TokenizerConfig {
  std::string path = "";                // existing vocabulary instead of training one: vocab.txt | tokenizer.json | .model
  bool lowercase = true;                // tokenizer.path vocab.txt: lower-case and strip accents (uncased BERT)
  int64_t vocab_size = 8000;            // SentencePiece vocabulary size, special tokens included
  std::string type = "unigram";         // unigram | bpe
  double character_coverage = 0.9995;   // SentencePiece character_coverage
  int64_t max_training_words = 2000000; // cap on words fed to the SentencePiece trainer

  template <class V> void visit(V& v) {
    v("path", path, "existing vocabulary used instead of training one: a BERT WordPiece vocab.txt, an HF "
                    "tokenizer.json (WordPiece) or a sasmlm SentencePiece .model (\"\" = train a SentencePiece model)");
    v("lowercase", lowercase, "tokenizer.path vocab.txt: lower-case and strip accents as BertTokenizerFast does for "
                              "uncased models (tokenizer.json carries its own setting)");
    v("vocab_size", vocab_size, "SentencePiece vocabulary size, special tokens included");
    v("type", type, "unigram | bpe");
    v("character_coverage", character_coverage, "SentencePiece character_coverage");
    v("max_training_words", max_training_words, "cap on words fed to the SentencePiece trainer");
  }
};

struct ModelConfig {
  std::string preset = "tiny";        // tiny | mini | small | medium | base | large
  int64_t layers = 0;                 // 0 = from preset
  int64_t hidden = 0;                 // 0 = from preset
  int64_t heads = 0;                  // 0 = hidden / 64
  int64_t intermediate = 0;           // 0 = 4 * hidden
  int64_t max_position = 512;         // learned position embeddings
  int64_t type_vocab = 2;             // token-type (segment) embeddings
  double dropout = 0.1;               // hidden dropout
  double attention_dropout = 0.1;     // dropout on attention probabilities
  double layer_norm_eps = 1e-12;      // LayerNorm epsilon (BERT's)
  double init_std = 0.02;             // normal init standard deviation
  bool unpad = true;                  // skip padding in projections, FFN and LayerNorm (same results, less work)
  std::string init_from = "";         // start from these weights: an HF directory or a .ckpt ("" = random init)

  template <class V> void visit(V& v) {
    v("preset", preset, "tiny | mini | small | medium | base | large");
    v("layers", layers, "0 = from preset");
    v("hidden", hidden, "0 = from preset");
    v("heads", heads, "0 = hidden / 64");
    v("intermediate", intermediate, "0 = 4 * hidden");
    v("max_position", max_position, "learned position embeddings");
    v("type_vocab", type_vocab, "token-type (segment) embeddings");
    v("dropout", dropout, "hidden dropout");
    v("attention_dropout", attention_dropout, "dropout on attention probabilities");
    v("layer_norm_eps", layer_norm_eps, "LayerNorm epsilon (BERT's)");
    v("init_std", init_std, "normal init standard deviation");
    v("unpad", unpad, "skip padding in projections, FFN and LayerNorm (same results, less work)");
    v("init_from", init_from, "start from these weights: an HF directory or a .ckpt (\"\" = random init); weights "
                              "only, fresh optimizer and schedules; ignored on --resume");
  }
};

// One window of the SAS weight schedule: lambda applies to steps < until (the last window has no until).
struct SasWindow {
  std::optional<int64_t> until;  // exclusive end step; absent on the final window
  double lambda = 0.0;           // > 0 suppresses SAS, < 0 promotes it
  std::optional<double> ramp_to; // if set, lambda moves linearly to ramp_to across the window
};

struct SasConfig {
  std::string variant = "max";            // max | uniform | random_arcs
  std::string directions = "both";        // both | to_head | to_dependent
  std::vector<SasWindow> schedule;        // lambda(t) windows; empty = regularizer off
  std::vector<int64_t> layers;            // layers whose attention counts (empty = all)
  std::string normalization = "per_sequence";  // per_sequence | authors | per_arc | per_token | none
  int64_t authors_micro_batch = 64;       // normalization: authors: their per-device micro-batch (their README: 64)
  std::string probabilities = "post_dropout"; // post_dropout (the authors') | pre_dropout
  double p = 1.0;                         // exponent of the `uniform` variant's p-norm (the authors' default: 1)

  template <class V> void visit(V& v) {
    v("variant", variant, "max | uniform | random_arcs");
    v("directions", directions, "both | to_head | to_dependent");
    v("schedule", schedule, "lambda(t) windows [{until, lambda, ramp_to}], the last without until");
    v("layers", layers, "layers whose attention counts (empty = all)");
    v("normalization", normalization,
      "what lambda multiplies: per_sequence (R per parsed sequence, step mean) | authors | per_arc | per_token | none");
    v("authors_micro_batch", authors_micro_batch,
      "normalization authors: their per-device micro-batch (their README: 64); lambda = their --lambda_reg");
    v("probabilities", probabilities, "post_dropout (the authors') | pre_dropout");
    v("p", p, "exponent of the uniform variant's p-norm (the authors' default: 1)");
  }
};

struct TrainerConfig {
  int64_t max_steps = 1000;            // optimizer steps
  int64_t batch_size = 32;             // sequences per optimizer step, all ranks together
  int64_t micro_batch_size = 0;        // sequences per forward/backward on one rank (0 = whole per-rank batch)
  double lr = 1e-4;                    // peak learning rate
  double weight_decay = 0.01;          // AdamW decoupled weight decay (not on biases and LayerNorm)
  double beta1 = 0.9;                  // AdamW beta1
  double beta2 = 0.999;                // AdamW beta2
  double eps = 1e-6;                   // AdamW epsilon
  std::string lr_schedule = "linear";  // linear | cosine | constant (all after linear warmup)
  int64_t warmup_steps = 0;            // linear warmup steps
  int64_t decay_horizon = 0;           // step where decay reaches 0 (0 = max_steps; may exceed max_steps)
  double grad_clip = 1.0;              // global gradient-norm clip (0 = off)
  int64_t max_nonfinite_steps = 20;    // skipped non-finite steps tolerated before stopping
  int64_t log_every = 10;              // steps between log lines / metrics.jsonl records
  int64_t threads = 0;                 // intra-op CPU threads (0 = CPUs allowed to this process / local ranks)
  bool flush_denormal = true;          // CPU: subnormal floats become 0 (x86 FTZ/DAZ); IEEE subnormals when false
  std::string device = "auto";         // auto | cpu | cuda
  std::string precision = "auto";      // auto (bf16 on CUDA, fp32 on CPU) | fp32 | bf16
  std::string adamw_impl = "auto";     // auto (fused on CUDA, per-tensor loop on CPU) | fused | loop

  template <class V> void visit(V& v) {
    v("max_steps", max_steps, "optimizer steps");
    v("batch_size", batch_size, "sequences per optimizer step, all ranks together");
    v("micro_batch_size", micro_batch_size, "sequences per forward/backward on one rank (0 = whole per-rank batch)");
    v("lr", lr, "peak learning rate");
    v("weight_decay", weight_decay, "AdamW decoupled weight decay (not on biases and LayerNorm)");
    v("beta1", beta1, "AdamW beta1");
    v("beta2", beta2, "AdamW beta2");
    v("eps", eps, "AdamW epsilon");
    v("lr_schedule", lr_schedule, "linear | cosine | constant (all after linear warmup)");
    v("warmup_steps", warmup_steps, "linear warmup steps");
    v("decay_horizon", decay_horizon, "step where decay reaches 0 (0 = max_steps; may exceed max_steps)");
    v("grad_clip", grad_clip, "global gradient-norm clip (0 = off)");
    v("max_nonfinite_steps", max_nonfinite_steps, "skipped non-finite steps tolerated before stopping");
    v("log_every", log_every, "steps between log lines / metrics.jsonl records");
    v("threads", threads, "intra-op CPU threads (0 = CPUs allowed to this process / local ranks)");
    v("flush_denormal", flush_denormal, "CPU: subnormal floats become 0 (x86 FTZ/DAZ); IEEE subnormals when false");
    v("device", device, "auto | cpu | cuda");
    v("precision", precision, "auto (bf16 on CUDA, fp32 on CPU) | fp32 | bf16");
    v("adamw_impl", adamw_impl, "auto (fused on CUDA, per-tensor loop on CPU) | fused | loop");
  }
};

struct CheckpointConfig {
  int64_t every = 1000;         // steps between periodic checkpoints (0 = only at the end and at `at`)
  std::vector<int64_t> at;      // extra steps to checkpoint and keep forever (dense early checkpoints)
  int64_t keep_last = 3;        // periodic checkpoints kept (listed ones are never deleted)

  template <class V> void visit(V& v) {
    v("every", every, "steps between periodic checkpoints (0 = only at the end and at `at`)");
    v("at", at, "extra steps to checkpoint and keep forever (dense early checkpoints)");
    v("keep_last", keep_last, "periodic checkpoints kept (listed ones are never deleted)");
  }
};

struct EvalConfig {
  int64_t every = 0;            // steps between evaluations during training (0 = off)
  std::string uas = "";         // CoNLL-U file for implicit-parse UAS ("" = skip)
  std::string blimp = "";       // directory of BLiMP jsonl files ("" = skip)
  int64_t max_batches = 50;     // dev batches for held-out MLM loss
  int64_t batch_size = 32;      // sequences per eval forward
  int64_t mask_seed = 4321;     // fixed masking seed so checkpoints are comparable
  int64_t uas_max_sentences = 0;  // UAS on the first N sentences of eval.uas (0 = all)
  int64_t blimp_max_pairs = 0;    // BLiMP pairs per paradigm (0 = all 1000; fewer keeps in-training eval cheap)
  int64_t blimp_batch_copies = 1024;  // masked sentence copies per BLiMP forward (PLL masks every token in turn)
  int64_t twonn_tokens = 2000;    // token representations per layer sampled for TwoNN intrinsic dimension (0 = off)

  template <class V> void visit(V& v) {
    v("every", every, "steps between evaluations during training (0 = off)");
    v("uas", uas, "CoNLL-U file for implicit-parse UAS (\"\" = skip)");
    v("blimp", blimp, "directory of BLiMP jsonl files (\"\" = skip)");
    v("max_batches", max_batches, "dev batches for held-out MLM loss");
    v("batch_size", batch_size, "sequences per eval forward");
    v("mask_seed", mask_seed, "fixed masking seed so checkpoints are comparable");
    v("uas_max_sentences", uas_max_sentences, "UAS on the first N sentences of eval.uas (0 = all)");
    v("blimp_max_pairs", blimp_max_pairs, "BLiMP pairs per paradigm (0 = all; fewer keeps in-training eval cheap)");
    v("blimp_batch_copies", blimp_batch_copies, "masked sentence copies per BLiMP forward (PLL masks every token in turn)");
    v("twonn_tokens", twonn_tokens, "token representations per layer for TwoNN intrinsic dimension (0 = off)");
  }
};

struct DistributedConfig {
  std::string backend = "auto";   // auto (nccl on CUDA, gloo on CPU) | nccl | gloo
  int64_t timeout_s = 300;        // collective timeout in seconds
  double bucket_mb = 25.0;        // gradient bucket size for all-reduce
  bool check_params = false;      // debug: verify parameters agree across ranks at checkpoints

  template <class V> void visit(V& v) {
    v("backend", backend, "auto (nccl on CUDA, gloo on CPU) | nccl | gloo");
    v("timeout_s", timeout_s, "collective timeout in seconds");
    v("bucket_mb", bucket_mb, "gradient bucket size for all-reduce");
    v("check_params", check_params, "debug: verify parameters agree across ranks at checkpoints");
  }
};

struct LoggingConfig {
  std::string level = "info";     // trace | debug | info | warn | error | off
  std::string file = "train.log"; // log file inside run.dir ("" = none)
  bool tensorboard = true;        // also write TensorBoard event files under run.dir/tb

  template <class V> void visit(V& v) {
    v("level", level, "trace | debug | info | warn | error | off");
    v("file", file, "log file inside run.dir (\"\" = none)");
    v("tensorboard", tensorboard, "also write TensorBoard event files under run.dir/tb");
  }
};

// The whole resolved configuration. Sections appear in the YAML under these names.
struct Config {
  RunConfig run;
  DataConfig data;
  TokenizerConfig tokenizer;
  ModelConfig model;
  SasConfig sas;
  TrainerConfig trainer;
  CheckpointConfig checkpoint;
  EvalConfig eval;
  DistributedConfig distributed;
  LoggingConfig logging;
  std::string source_path;  // the top-level file it was loaded from (not a YAML key)

  template <class V> void visit_sections(V& v) {
    v("run", run);
    v("data", data);
    v("tokenizer", tokenizer);
    v("model", model);
    v("sas", sas);
    v("trainer", trainer);
    v("checkpoint", checkpoint);
    v("eval", eval);
    v("distributed", distributed);
    v("logging", logging);
  }
};

}  // namespace sasmlm
