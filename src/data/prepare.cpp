#include "sasmlm/data/prepare.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/cpu_threads.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/alignment.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/input_paths.h"
#include "sasmlm/data/packer.h"
#include "sasmlm/data/parallel_aligner.h"
#include "sasmlm/data/relation_vocab.h"
#include "sasmlm/data/shard.h"
#include "sasmlm/data/text_corpus.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStagingPrefix = ".staging-";
constexpr const char* kLockFile = ".prepare.lock";
// Sentences per batch handed to an aligning thread: large enough that the hand-over costs nothing, small enough
// that the batches in flight (a few per thread) stay a few MB.
constexpr size_t kAlignBatchSentences = 2048;

// Exclusive flock on dir/.prepare.lock: processes preparing the same directory (say, the ranks of one node) take
// turns, and the later ones find a finished manifest to reuse. Best effort: a read-only directory is not locked.
class DirLock {
 public:
  explicit DirLock(const fs::path& dir) {
    fd_ = ::open((dir / kLockFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

std::string shard_name(const std::string& split, int64_t index) {
  char name[64];
  std::snprintf(name, sizeof(name), "%s-%05lld.shard", split.c_str(), static_cast<long long>(index));
  return name;
}

bool is_our_output(const std::string& name) {
  if (name == kTokenizerFile) return true;
  for (const char* split : {"train-", "dev-"}) {
    const std::string prefix = split;
    if (name.size() == prefix.size() + 11 && name.compare(0, prefix.size(), prefix) == 0 &&
        name.compare(name.size() - 6, 6, ".shard") == 0) {
      return true;
    }
  }
  return false;
}

// Size and CRC-32 of each input file (after expand_input_paths), named in messages by the entry it came from.
std::vector<FileEntry> describe_sources(const std::vector<InputPath>& inputs) {
  std::vector<FileEntry> out;
  for (const auto& input : inputs) {
    const std::string& path = input.path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      throw UserError(input.origin + ": " + path + " is a directory, expected a CoNLL-U or plain-text (.txt) file");
    }
    if (!fs::is_regular_file(path, ec)) {
      throw UserError(input.origin + ": " + (is_text_corpus(path) ? "plain-text" : "CoNLL-U") +
                      " file not found: " + path);
    }
    FileEntry f;
    f.path = path;
    f.bytes = fs::file_size(path, ec);
    f.crc = crc32_file(path);  // of the file as stored (compressed for .gz): any change shows
    out.push_back(f);
  }
  return out;
}

// "" when `m` was prepared from the same source contents and settings and its files are all present.
std::string mismatch(const Manifest& m, const std::map<std::string, std::vector<FileEntry>>& sources,
                     const nlohmann::json& settings, const fs::path& dir) {
  if (m.settings.dump() != settings.dump()) return "settings differ";
  if (m.splits.size() != sources.size()) return "the splits differ";
  for (const auto& [name, files] : sources) {
    auto it = m.splits.find(name);
    if (it == m.splits.end()) return "split " + name + " was not prepared";
    const auto& old = it->second.sources;
    if (old.size() != files.size()) return "the " + name + " files differ";
    for (size_t i = 0; i < files.size(); ++i) {
      if (old[i].bytes != files[i].bytes || old[i].crc != files[i].crc) return files[i].path + " changed";
    }
    for (const auto& shard : it->second.shards) {
      std::error_code ec;
      if (fs::file_size(dir / shard.path, ec) != shard.bytes || ec) return shard.path + " is missing or resized";
    }
  }
  std::error_code ec;
  if (!fs::is_regular_file(dir / m.tokenizer_file, ec)) return m.tokenizer_file + " is missing";
  return "";
}

// Removes staging directories left by prepares that died (their process is gone).
void remove_dead_staging(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kStagingPrefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + std::strlen(kStagingPrefix), nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
    fs::remove_all(entry.path(), ec);
  }
}

// Deletes the staging directory unless released (on success its contents have been moved out).
class StagingDir {
 public:
  explicit StagingDir(fs::path path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    ensure_directory(path_);
  }
  ~StagingDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Streams the words of the training files into the tokenizer trainer.
class TrainWords {
 public:
  TrainWords(const std::vector<std::string>& paths, bool skip_invalid) : paths_(paths), skip_invalid_(skip_invalid) {}
  bool operator()(std::vector<std::string>& words) {
    while (true) {
      if (!reader_ && !text_) {
        if (next_file_ == paths_.size()) return false;
        const std::string& path = paths_[next_file_++];
        if (is_text_corpus(path)) {
          text_ = std::make_unique<TextCorpusReader>(path);
        } else {
          reader_ = std::make_unique<ConlluReader>(path, ConlluReaderOptions{skip_invalid_});
        }
      }
      if (reader_ ? reader_->next(sentence_) : text_->next(sentence_)) {
        words.clear();
        for (const auto& w : sentence_.words) words.push_back(w.form);
        return true;
      }
      reader_.reset();
      text_.reset();
    }
  }

 private:
  const std::vector<std::string>& paths_;
  bool skip_invalid_;
  size_t next_file_ = 0;
  std::unique_ptr<ConlluReader> reader_;
  std::unique_ptr<TextCorpusReader> text_;
  ConlluSentence sentence_;
};

struct SplitJob {
  std::string name;                // train | dev
  std::string key;                 // data.train | data.dev
  std::vector<InputPath> inputs;   // the key's entries expanded
  std::vector<std::string> paths;  // the files of `inputs`, in reading order
};

// The splits to prepare, their config entries expanded into files (input_paths.h).
std::vector<SplitJob> split_jobs(const DataConfig& data) {
  std::vector<SplitJob> jobs{{"train", "data.train", expand_input_paths(data.train, "data.train"), {}}};
  if (!data.dev.empty()) jobs.push_back({"dev", "data.dev", expand_input_paths(data.dev, "data.dev"), {}});
  for (auto& job : jobs) job.paths = input_path_list(job.inputs);
  return jobs;
}

// Reads, aligns, packs and shards one split into `staging`. The files are read and the packer fed in order on this
// thread; aligning (tokenizing) runs on `threads` threads in between, so the output does not depend on `threads`.
ManifestSplit encode_split(const SplitJob& job, const DataConfig& data, const Tokenizer& tokenizer,
                           RelationVocab& relations, const fs::path& staging, int64_t threads) {
  ManifestSplit out;
  SplitSummary& c = out.counts;
  std::unique_ptr<ShardWriter> writer;
  auto close_shard = [&]() {
    FileEntry f;
    f.path = fs::path(writer->path()).filename().string();
    f.sequences = writer->num_sequences();
    f.tokens = writer->num_tokens();
    f.bytes = writer->commit();
    f.crc = writer->payload_crc();
    out.shards.push_back(f);
    writer.reset();
  };
  PackerOptions options = packer_options(data);
  options.cls_id = tokenizer.cls_id();
  options.sep_id = tokenizer.sep_id();
  Packer packer(options, [&](const SequenceData& s) {
    if (!writer) {
      writer = std::make_unique<ShardWriter>((staging / shard_name(job.name, int64_t(out.shards.size()))).string());
    }
    writer->add(s);
    if (writer->num_sequences() >= data.shard_sequences) close_shard();
  });
  ParallelAligner aligner(tokenizer, parse_arc_pieces(data.arc_pieces), threads, 2 * threads + 2);
  std::vector<int32_t> relation_map;
  auto consume = [&](AlignBatch& done) {
    relation_map.clear();
    for (size_t i = 0; i < done.aligned.size(); ++i) {
      relation_ids_in_order(done.relations, relations, relation_map, done.aligned[i]);
      packer.add(done.aligned[i], done.new_document[i] != 0, done.parsed[i] != 0);
    }
  };
  auto batch = std::make_unique<AlignBatch>();
  auto submit = [&]() {
    if (batch->sentences.empty()) return;
    if (aligner.full()) consume(*aligner.next());
    aligner.submit(std::move(batch));
    batch = std::make_unique<AlignBatch>();
  };
  auto add = [&](ConlluSentence& sentence, bool parsed) {
    batch->new_document.push_back(sentence.new_document);
    batch->parsed.push_back(parsed);
    batch->sentences.push_back(std::move(sentence));  // the reader refills every field
    if (batch->sentences.size() >= kAlignBatchSentences) submit();
  };
  ConlluSentence sentence;
  for (const auto& path : job.paths) {
    if (is_text_corpus(path)) {  // no arcs: the MLM loss only
      TextCorpusReader text(path);
      while (text.next(sentence)) {
        ++c.sentences;
        ++c.text_sentences;
        c.words += static_cast<int64_t>(sentence.words.size());
        add(sentence, /*parsed=*/false);
      }
      continue;
    }
    ConlluReader reader(path, ConlluReaderOptions{data.skip_invalid});
    while (reader.next(sentence)) {
      ++c.sentences;
      c.words += static_cast<int64_t>(sentence.words.size());
      c.arcs += static_cast<int64_t>(sentence.words.size()) - 1;
      add(sentence, /*parsed=*/true);
    }
    c.skipped_sentences += reader.sentences_skipped();
    for (const auto& reason : reader.skip_reasons()) {
      if (static_cast<int>(c.skip_reasons.size()) < ConlluReader::kMaxReasons) c.skip_reasons.push_back(reason);
    }
  }
  submit();
  while (aligner.pending() > 0) consume(*aligner.next());
  packer.finish();
  if (writer) close_shard();
  const PackerStats& p = packer.stats();
  c.sentences_split = p.sentences_split;
  c.sentences_dropped = p.sentences_dropped;
  c.chunks = p.chunks;
  c.arcs_cut = p.arcs_cut;
  c.tokens = p.tokens;
  c.sequences = p.sequences;
  c.parsed_sequences = p.parsed_sequences;
  c.shards = static_cast<int64_t>(out.shards.size());
  if (c.sequences == 0) {
    throw UserError(job.key + ": no sequences left: all " + std::to_string(c.sentences) +
                    " sentences are longer than data.max_seq_len - 2 = " + std::to_string(data.max_seq_len - 2) +
                    " pieces and data.long_sentences=drop (hint: raise data.max_seq_len or use split)");
  }
  return out;
}

void log_split(const std::string& name, const SplitSummary& c) {
  log_info("prepare: ", name, ": ", c.sentences, " sentences (", c.text_sentences, " plain text), ", c.words,
           " words, ", c.arcs, " arcs -> ", c.sequences, " sequences (parsed share ", fixed(c.parsed_share(), 3),
           "), ", c.tokens, " tokens in ", c.shards, " shard(s)");
  if (c.sentences_split > 0 || c.sentences_dropped > 0) {
    log_info("prepare: ", name, ": over-long sentences: ", c.sentences_split, " split into ", c.chunks, " chunks (",
             c.arcs_cut, " arcs cut), ", c.sentences_dropped, " dropped");
  }
  if (c.skipped_sentences > 0) {
    log_warn("prepare: ", name, ": skipped ", c.skipped_sentences, " invalid sentences (data.skip_invalid); first: ",
             c.skip_reasons.empty() ? std::string("?") : c.skip_reasons.front());
  }
}

PrepareSummary summary_of(const Manifest& m, const std::string& dir) {
  PrepareSummary s;
  s.prepared_dir = dir;
  s.vocab_size = m.vocab_size;
  s.tokenizer_checksum = m.tokenizer_checksum;
  s.train = m.splits.at("train").counts;
  s.has_dev = m.splits.count("dev") > 0;
  if (s.has_dev) s.dev = m.splits.at("dev").counts;
  return s;
}

// Moves the staged files into `dir`, replacing an earlier preparation; the manifest goes last.
void publish(const fs::path& staging, const fs::path& dir, const Manifest& manifest) {
  std::error_code ec;
  fs::remove(dir / kManifestFile, ec);  // from here on the directory reads as "not prepared"
  fsync_directory(dir);
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_our_output(entry.path().filename().string())) fs::remove(entry.path(), ec);
  }
  for (const auto& entry : fs::directory_iterator(staging)) {
    const fs::path target = dir / entry.path().filename();
    if (std::rename(entry.path().c_str(), target.c_str()) != 0) {
      throw UserError("cannot move " + entry.path().string() + " to " + target.string() + ": " +
                      std::strerror(errno));
    }
  }
  fsync_directory(dir);
  write_file_atomic(dir / kManifestFile, manifest.to_json());
}

}  // namespace

bool prepared_data_matches(const DataConfig& data, const TokenizerConfig& tokenizer, const std::string& prepared_dir) {
  try {
    const Manifest m = read_manifest(prepared_dir);
    std::map<std::string, std::vector<FileEntry>> sources;
    for (const auto& job : split_jobs(data)) sources[job.name] = describe_sources(job.inputs);
    return mismatch(m, sources, prepare_settings(data, tokenizer), prepared_dir).empty();
  } catch (const UserError&) {
    return false;
  }
}

PrepareSummary prepare_data(const DataConfig& data, const TokenizerConfig& tokenizer_config,
                            const std::string& prepared_dir) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&]() { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  // Validate every setting before any work.
  if (prepared_dir.empty()) throw UserError("data.prepared_dir: empty (expected a directory path)");
  if (data.train.empty()) {
    throw UserError("data.train: no files given (expected a list of CoNLL-U or plain-text .txt files, directories "
                    "or glob patterns)");
  }
  if (data.shard_sequences <= 0) {
    throw UserError("data.shard_sequences: expected a positive count, found " + std::to_string(data.shard_sequences));
  }
  packer_options(data);
  parse_arc_pieces(data.arc_pieces);
  std::error_code path_error;
  if (!tokenizer_config.path.empty() && !fs::is_regular_file(tokenizer_config.path, path_error)) {
    throw UserError("tokenizer.path: " + tokenizer_config.path + " not found (expected a vocab.txt, a tokenizer.json "
                    "or a SentencePiece .model; \"\" trains a SentencePiece model on data.train)");
  }
  if (data.prepare_threads < 0) {
    throw UserError("data.prepare_threads: expected 0 (all CPUs) or a positive count, found " +
                    std::to_string(data.prepare_threads));
  }
  const std::vector<SplitJob> jobs = split_jobs(data);
  std::map<std::string, std::vector<FileEntry>> sources;
  for (const auto& job : jobs) sources[job.name] = describe_sources(job.inputs);
  const nlohmann::json settings = prepare_settings(data, tokenizer_config);

  const fs::path dir(prepared_dir);
  ensure_directory(dir);
  DirLock lock(dir);
  std::error_code ec;
  if (fs::exists(dir / kManifestFile, ec)) {
    std::string reason;
    try {
      const Manifest old = read_manifest(prepared_dir);
      reason = mismatch(old, sources, settings, dir);
      if (reason.empty()) {
        PrepareSummary s = summary_of(old, prepared_dir);
        s.reused = true;
        s.seconds = elapsed();
        log_info("prepare: reusing ", prepared_dir, " (sources and settings unchanged)");
        return s;
      }
    } catch (const UserError& e) {
      reason = e.what();
    }
    log_info("prepare: preparing ", prepared_dir, " again: ", reason);
  }

  remove_dead_staging(dir);
  StagingDir staging(dir / (kStagingPrefix + std::to_string(::getpid())));

  // Pass 1: the tokenizer: the given vocabulary (tokenizer.path), or trained on the training words.
  Tokenizer tokenizer;
  if (!tokenizer_config.path.empty()) {
    tokenizer = Tokenizer::from_path(tokenizer_config.path, tokenizer_config.lowercase);
  } else {
    TrainWords words(jobs.front().paths, data.skip_invalid);
    tokenizer = Tokenizer::train(std::ref(words), tokenizer_config);
  }
  tokenizer.save((staging.path() / kTokenizerFile).string());
  log_info("prepare: tokenizer ", tokenizer_config.path.empty() ? tokenizer_config.type : tokenizer_config.path, ", ",
           tokenizer.vocab_size(), " pieces, checksum ", hex32(tokenizer.checksum()), " (", fixed(elapsed(), 1),
           " s)");

  // Pass 2: every split, streamed into shards.
  Manifest manifest;
  manifest.shard_format_version = kShardFormatVersion;
  manifest.tokenizer_checksum = tokenizer.checksum();
  manifest.vocab_size = tokenizer.vocab_size();
  manifest.settings = settings;
  manifest.max_seq_len = data.max_seq_len;
  RelationVocab relations;
  // Not part of the settings: the output is the same for every thread count.
  const int64_t threads = data.prepare_threads > 0 ? data.prepare_threads : available_cpus();
  log_info("prepare: encoding on ", threads, " thread(s) (data.prepare_threads)");
  for (const auto& job : jobs) {
    ManifestSplit split = encode_split(job, data, tokenizer, relations, staging.path(), threads);
    split.sources = sources[job.name];
    log_split(job.name, split.counts);
    manifest.splits[job.name] = std::move(split);
  }
  manifest.relations = relations.labels();

  publish(staging.path(), dir, manifest);
  PrepareSummary s = summary_of(manifest, prepared_dir);
  s.seconds = elapsed();
  log_info("prepare: wrote ", prepared_dir, " in ", fixed(s.seconds, 2), " s (",
           fixed(double(s.train.sentences + s.dev.sentences) / std::max(s.seconds, 1e-9), 0), " sentences/s, ",
           fixed(double(s.train.words + s.dev.words) / std::max(s.seconds, 1e-9), 0), " words/s)");
  return s;
}

}  // namespace sasmlm
