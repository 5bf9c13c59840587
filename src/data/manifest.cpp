#include "sasmlm/data/manifest.h"

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/data/unigram_encoder.h"

namespace sasmlm {
namespace {

using nlohmann::json;

uint32_t parse_hex32(const std::string& text) {
  if (text.size() != 8 || text.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw std::invalid_argument("expected a CRC-32 as 8 lowercase hex digits, found '" + text + "'");
  }
  return static_cast<uint32_t>(std::strtoul(text.c_str(), nullptr, 16));
}

// An integer field. nlohmann's get<> would convert a JSON float out of range with undefined behaviour and wrap
// an integer that does not fit; both are refused, naming the key (the caller adds the file).
template <class T>
T get_integer(const json& parent, const char* key) {
  const json& v = parent.at(key);
  const uint64_t max = static_cast<uint64_t>(std::numeric_limits<T>::max());
  const int64_t min = static_cast<int64_t>(std::numeric_limits<T>::min());
  bool ok = false;
  if (v.is_number_unsigned()) {
    ok = v.get<uint64_t>() <= max;
  } else if (v.is_number_integer()) {
    const int64_t x = v.get<int64_t>();
    ok = x >= min && (x < 0 || static_cast<uint64_t>(x) <= max);
  }
  if (!ok) {
    throw std::invalid_argument(std::string(key) + ": expected an integer from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", found " + v.dump());
  }
  return v.get<T>();
}

json counts_to_json(const SplitSummary& c) {
  return json{{"sentences", c.sentences},
              {"words", c.words},
              {"arcs", c.arcs},
              {"skipped_sentences", c.skipped_sentences},
              {"sentences_split", c.sentences_split},
              {"sentences_dropped", c.sentences_dropped},
              {"chunks", c.chunks},
              {"arcs_cut", c.arcs_cut},
              {"tokens", c.tokens},
              {"sequences", c.sequences},
              {"parsed_sequences", c.parsed_sequences},
              {"parsed_share", c.parsed_share()},
              {"text_sentences", c.text_sentences},
              {"shards", c.shards},
              {"skip_reasons", c.skip_reasons}};
}

SplitSummary counts_from_json(const json& j) {
  SplitSummary c;
  c.sentences = get_integer<int64_t>(j, "sentences");
  c.words = get_integer<int64_t>(j, "words");
  c.arcs = get_integer<int64_t>(j, "arcs");
  c.skipped_sentences = get_integer<int64_t>(j, "skipped_sentences");
  c.sentences_split = get_integer<int64_t>(j, "sentences_split");
  c.sentences_dropped = get_integer<int64_t>(j, "sentences_dropped");
  c.chunks = get_integer<int64_t>(j, "chunks");
  c.arcs_cut = get_integer<int64_t>(j, "arcs_cut");
  c.tokens = get_integer<int64_t>(j, "tokens");
  c.sequences = get_integer<int64_t>(j, "sequences");
  // Absent in manifests written before plain-text corpora: every sequence was parsed.
  c.parsed_sequences = j.contains("parsed_sequences") ? get_integer<int64_t>(j, "parsed_sequences") : c.sequences;
  c.text_sentences = j.contains("text_sentences") ? get_integer<int64_t>(j, "text_sentences") : 0;
  if (c.parsed_sequences < 0 || c.parsed_sequences > c.sequences) {
    throw std::invalid_argument("parsed_sequences: expected 0.." + std::to_string(c.sequences) + ", found " +
                                std::to_string(c.parsed_sequences));
  }
  c.shards = get_integer<int64_t>(j, "shards");
  c.skip_reasons = j.at("skip_reasons").get<std::vector<std::string>>();
  return c;
}

json file_to_json(const FileEntry& f, bool shard) {
  json j{{shard ? "file" : "path", f.path}, {"bytes", f.bytes}, {"crc32", hex32(f.crc)}};
  if (shard) {
    j["sequences"] = f.sequences;
    j["tokens"] = f.tokens;
  }
  return j;
}

FileEntry file_from_json(const json& j, bool shard) {
  FileEntry f;
  f.path = j.at(shard ? "file" : "path").get<std::string>();
  f.bytes = get_integer<uint64_t>(j, "bytes");
  f.crc = parse_hex32(j.at("crc32").get<std::string>());
  if (shard) {
    f.sequences = get_integer<int64_t>(j, "sequences");
    f.tokens = get_integer<int64_t>(j, "tokens");
  }
  return f;
}

}  // namespace

std::string Manifest::to_json() const {
  SASMLM_CHECK(splits.count("train") == 1, "manifest without a train split");
  const SplitSummary& train = splits.at("train").counts;
  json j;
  j["format_version"] = format_version;
  // The training split's counts at the top level, as docs/INTERFACE.md lists them.
  j["sentences"] = train.sentences;
  j["words"] = train.words;
  j["arcs"] = train.arcs;
  j["skipped_sentences"] = train.skipped_sentences;
  j["tokens"] = train.tokens;
  j["sequences"] = train.sequences;
  j["parsed_share"] = train.parsed_share();
  j["vocab_size"] = vocab_size;
  j["shard_format_version"] = shard_format_version;
  j["tokenizer"] = {{"file", tokenizer_file}, {"checksum", hex32(tokenizer_checksum)}, {"vocab_size", vocab_size}};
  j["relations"] = relations;
  SASMLM_CHECK(settings.at("data").at("max_seq_len").get<int64_t>() == max_seq_len, "manifest max_seq_len");
  j["settings"] = settings;
  json split_json = json::object(), source_json = json::object();
  for (const auto& [name, split] : splits) {
    json s = counts_to_json(split.counts);
    s["shard_files"] = json::array();
    for (const auto& f : split.shards) s["shard_files"].push_back(file_to_json(f, true));
    split_json[name] = s;
    source_json[name] = json::array();
    for (const auto& f : split.sources) source_json[name].push_back(file_to_json(f, false));
  }
  j["splits"] = split_json;
  j["sources"] = source_json;
  return j.dump(2) + "\n";
}

Manifest Manifest::parse(const std::string& text, const std::string& path) {
  const std::string hint = " (hint: delete the prepared dir and rerun sasmlm prepare)";
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw UserError(path + ": not valid JSON (" + e.what() + ")" + hint);
  }
  Manifest m;
  try {
    m.format_version = get_integer<int64_t>(j, "format_version");
    if (m.format_version != kManifestFormatVersion) {
      throw UserError(path + ": manifest format version " + std::to_string(m.format_version) +
                      ", this build reads " + std::to_string(kManifestFormatVersion) + hint);
    }
    m.shard_format_version = get_integer<int64_t>(j, "shard_format_version");
    const json& tok = j.at("tokenizer");
    m.tokenizer_file = tok.at("file").get<std::string>();
    m.tokenizer_checksum = parse_hex32(tok.at("checksum").get<std::string>());
    m.vocab_size = get_integer<int32_t>(j, "vocab_size");
    m.relations = j.at("relations").get<std::vector<std::string>>();
    m.settings = j.at("settings");
    m.max_seq_len = get_integer<int64_t>(m.settings.at("data"), "max_seq_len");
    for (const auto& [name, s] : j.at("splits").items()) {
      ManifestSplit split;
      split.counts = counts_from_json(s);
      for (const auto& f : s.at("shard_files")) split.shards.push_back(file_from_json(f, true));
      for (const auto& f : j.at("sources").at(name)) split.sources.push_back(file_from_json(f, false));
      m.splits[name] = std::move(split);
    }
  } catch (const UserError&) {
    throw;
  } catch (const std::exception& e) {
    throw UserError(path + ": malformed manifest (" + e.what() + ")" + hint);
  }
  if (m.splits.count("train") == 0) throw UserError(path + ": malformed manifest (no train split)" + hint);
  return m;
}

Manifest read_manifest(const std::string& dir) {
  const std::filesystem::path path = std::filesystem::path(dir) / kManifestFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw UserError(dir + ": not a prepared data directory (no " + kManifestFile +
                    ") (hint: run sasmlm prepare --config CFG)");
  }
  return Manifest::parse(read_file(path, "manifest"), path.string());
}

nlohmann::json prepare_settings(const DataConfig& data, const TokenizerConfig& tokenizer) {
  // An existing vocabulary (tokenizer.path) is identified by its path, its contents' CRC-32 and the case flag; the
  // training settings do not apply to it.
  const json tokenizer_settings =
      tokenizer.path.empty()
          ? json{{"vocab_size", tokenizer.vocab_size},
                 {"type", tokenizer.type},
                 {"character_coverage", tokenizer.character_coverage},
                 {"max_training_words", tokenizer.max_training_words},
                 {"unigram_encoder", kUnigramEncoderVersion}}
          : json{{"path", tokenizer.path},
                 {"lowercase", tokenizer.lowercase},
                 {"crc32", hex32(crc32_file(tokenizer.path))},
                 {"unigram_encoder", kUnigramEncoderVersion}};
  return json{{"data",
               {{"max_seq_len", data.max_seq_len},
                {"pack", data.pack},
                {"long_sentences", data.long_sentences},
                {"arc_pieces", data.arc_pieces},
                {"skip_invalid", data.skip_invalid},
                {"shard_sequences", data.shard_sequences}}},
              {"tokenizer", tokenizer_settings}};
}

}  // namespace sasmlm
