#include "sasmlm/data/prepared_data.h"

#include <algorithm>
#include <filesystem>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/data/manifest.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {
const std::string kRerunHint = " (hint: delete the prepared dir and rerun sasmlm prepare)";
}

PreparedData::PreparedData(const std::string& dir) : dir_(dir) {
  const Manifest m = read_manifest(dir);
  const std::string manifest_path = (fs::path(dir) / kManifestFile).string();
  format_version_ = m.format_version;
  if (m.shard_format_version != kShardFormatVersion) {
    throw UserError(manifest_path + ": shard format version " + std::to_string(m.shard_format_version) +
                    ", this build reads " + std::to_string(kShardFormatVersion) + kRerunHint);
  }
  max_seq_len_ = m.max_seq_len;

  const std::string tokenizer_path = (fs::path(dir) / m.tokenizer_file).string();
  tokenizer_ = Tokenizer::load(tokenizer_path);
  if (tokenizer_.checksum() != m.tokenizer_checksum) {
    throw UserError(tokenizer_path + ": checksum " + hex32(tokenizer_.checksum()) + " differs from the manifest's " +
                    hex32(m.tokenizer_checksum) + kRerunHint);
  }
  relations_ = m.relations;

  for (const auto& [name, entry] : m.splits) {
    Split split;
    split.counts = entry.counts;
    split.starts.push_back(0);
    for (const auto& file : entry.shards) {
      ShardReader reader((fs::path(dir) / file.path).string());
      if (reader.payload_crc() != file.crc || reader.num_sequences() != file.sequences ||
          reader.num_tokens() != file.tokens) {
        throw UserError(reader.path() + ": does not match the manifest (crc " + hex32(reader.payload_crc()) +
                        " vs " + hex32(file.crc) + ", " + std::to_string(reader.num_sequences()) + " vs " +
                        std::to_string(file.sequences) + " sequences)" + kRerunHint);
      }
      if (reader.max_length() > max_seq_len_) {
        throw UserError(reader.path() + ": holds sequences of " + std::to_string(reader.max_length()) +
                        " tokens, more than max_seq_len " + std::to_string(max_seq_len_) + kRerunHint);
      }
      split.starts.push_back(split.starts.back() + reader.num_sequences());
      split.shards.push_back(std::move(reader));
    }
    if (split.starts.back() != entry.counts.sequences) {
      throw UserError(manifest_path + ": split " + name + " lists " + std::to_string(entry.counts.sequences) +
                      " sequences, its shards hold " + std::to_string(split.starts.back()) + kRerunHint);
    }
    splits_.emplace(name, std::move(split));
  }
}

const PreparedData::Split& PreparedData::split(const std::string& name) const {
  auto it = splits_.find(name);
  if (it == splits_.end()) {
    throw UserError(dir_ + ": split '" + name + "' was not prepared" +
                    (name == "dev" ? " (hint: set data.dev and rerun sasmlm prepare)" : ""));
  }
  return it->second;
}

int64_t PreparedData::num_sequences(const std::string& name) const { return split(name).starts.back(); }

SequenceView PreparedData::sequence(const std::string& name, int64_t i) const {
  const Split& s = split(name);
  SASMLM_CHECK(i >= 0 && i < s.starts.back(), "sequence " + std::to_string(i) + " out of range for split " + name);
  // The shard whose range holds i: the last start <= i.
  const auto it = std::upper_bound(s.starts.begin(), s.starts.end(), i);
  const size_t shard = static_cast<size_t>(it - s.starts.begin()) - 1;
  return s.shards[shard].sequence(i - s.starts[shard]);
}

const SplitSummary& PreparedData::counts(const std::string& name) const { return split(name).counts; }

void PreparedData::check_tokenizer(uint32_t checksum, const std::string& what) const {
  if (checksum != tokenizer_.checksum()) {
    throw UserError(what + ": its tokenizer (checksum " + hex32(checksum) + ") differs from the tokenizer of " +
                    dir_ + " (checksum " + hex32(tokenizer_.checksum()) +
                    ") (hint: prepare the data with the checkpoint's run config, or point data.prepared_dir at the "
                    "directory it was trained on)");
  }
}

}  // namespace sasmlm
