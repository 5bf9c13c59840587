#include "sasmlm/data/prepared_source.h"

#include <filesystem>

#include "sasmlm/data/prepare.h"

namespace sasmlm {

std::string prepared_dir_for(const DataConfig& data, const std::string& run_dir) {
  return data.prepared_dir.empty() ? (std::filesystem::path(run_dir) / "prepared").string() : data.prepared_dir;
}

std::shared_ptr<PreparedData> prepare_and_open(const DataConfig& data, const TokenizerConfig& tokenizer,
                                               const std::string& prepared_dir) {
  prepare_data(data, tokenizer, prepared_dir);
  return std::make_shared<PreparedData>(prepared_dir);
}

PreparedSplitSource::PreparedSplitSource(std::shared_ptr<const PreparedData> data, std::string split)
    : data_(std::move(data)), split_(std::move(split)) {
  size_ = data_->num_sequences(split_);
}

void PreparedSplitSource::read(int64_t i, SequenceRecord& out) const {
  const SequenceView v = data_->sequence(split_, i);
  out.ids.assign(v.ids, v.ids + v.length);
  out.heads.assign(v.heads, v.heads + v.length);
  out.word_index.assign(v.word_index, v.word_index + v.length);
  out.parsed = v.length == 0 || (v.flags[0] & kTokenUnparsed) == 0;  // the packer marks every token alike
}

std::shared_ptr<SequenceSource> make_split_source(std::shared_ptr<const PreparedData> data, const std::string& split) {
  return std::make_shared<PreparedSplitSource>(std::move(data), split);
}

}  // namespace sasmlm
