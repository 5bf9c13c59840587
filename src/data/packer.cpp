#include "sasmlm/data/packer.h"

#include <algorithm>
#include <utility>

#include "sasmlm/core/error.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

PackerOptions packer_options(const DataConfig& config) {
  PackerOptions o;
  if (config.max_seq_len < 3 || config.max_seq_len > kMaxShardSequenceLength) {
    throw UserError("data.max_seq_len: expected 3.." + std::to_string(kMaxShardSequenceLength) +
                    " ([CLS] + at least one piece + [SEP]), found " + std::to_string(config.max_seq_len));
  }
  o.max_seq_len = config.max_seq_len;
  o.pack = config.pack;
  if (config.long_sentences == "split") {
    o.split_long = true;
  } else if (config.long_sentences == "drop") {
    o.split_long = false;
  } else {
    throw UserError("data.long_sentences: expected split or drop, found '" + config.long_sentences + "'");
  }
  return o;
}

Packer::Packer(PackerOptions options, Sink sink) : options_(options), sink_(std::move(sink)) {
  SASMLM_CHECK(options_.max_seq_len >= 3, "max_seq_len below 3");
}

void Packer::add(const AlignedSentence& sentence, bool new_document, bool parsed) {
  ++stats_.sentences;
  if (new_document || !options_.pack || parsed != current_parsed_) flush();
  current_parsed_ = parsed;
  const int32_t n = sentence.num_pieces();
  const int32_t capacity = static_cast<int32_t>(options_.max_seq_len - 2);
  if (n <= capacity) {
    // current_ holds [CLS] plus earlier sentences; [SEP] comes at flush.
    const int32_t used = current_.size() == 0 ? 0 : static_cast<int32_t>(current_.size()) - 1;
    if (used + n > capacity) flush();
    append(sentence, 0, n, false);
    return;
  }
  if (!options_.split_long) {
    ++stats_.sentences_dropped;
    return;
  }
  ++stats_.sentences_split;
  flush();
  // Chunks end at the last word boundary that fits; a single word longer than a chunk is cut between pieces.
  int32_t begin = 0;
  while (begin < n) {
    const int32_t limit = std::min(n, begin + capacity);
    int32_t end = limit;
    if (limit < n) {
      auto it = std::upper_bound(sentence.word_starts.begin(), sentence.word_starts.end(), limit);
      const int32_t boundary = *(it - 1);  // last word start <= limit
      if (boundary > begin) end = boundary;
    }
    append(sentence, begin, end, begin > 0);
    flush();
    ++stats_.chunks;
    begin = end;
  }
}

void Packer::append(const AlignedSentence& sentence, int32_t begin, int32_t end, bool continuation) {
  const uint8_t unparsed = current_parsed_ ? 0 : kTokenUnparsed;
  if (current_.size() == 0) {
    current_.ids.push_back(options_.cls_id);
    current_.heads.push_back(-1);
    current_.relations.push_back(-1);
    current_.word_index.push_back(-1);
    current_.flags.push_back(unparsed);
  }
  const int32_t base = static_cast<int32_t>(current_.size());
  for (int32_t p = begin; p < end; ++p) {
    current_.ids.push_back(sentence.ids[p]);
    current_.word_index.push_back(sentence.word_index[p]);
    uint8_t flags = unparsed;
    if (p == begin) flags |= kTokenSentenceStart | (continuation ? kTokenContinuation : 0);
    current_.flags.push_back(flags);
    const int32_t head = sentence.heads[p];
    if (head >= begin && head < end) {
      current_.heads.push_back(static_cast<int16_t>(base + head - begin));
      current_.relations.push_back(static_cast<int16_t>(sentence.relations[p]));
    } else {
      if (head >= 0 && p == sentence.word_starts[sentence.word_index[p]]) ++stats_.arcs_cut;
      current_.heads.push_back(-1);
      current_.relations.push_back(-1);
    }
  }
}

void Packer::flush() {
  if (current_.size() == 0) return;
  current_.ids.push_back(options_.sep_id);
  current_.heads.push_back(-1);
  current_.relations.push_back(-1);
  current_.word_index.push_back(-1);
  current_.flags.push_back(current_parsed_ ? 0 : kTokenUnparsed);
  SASMLM_CHECK(current_.size() <= options_.max_seq_len, "packed sequence longer than max_seq_len");
  ++stats_.sequences;
  if (current_parsed_) ++stats_.parsed_sequences;
  stats_.tokens += current_.size();
  sink_(current_);
  current_.clear();
}

void Packer::finish() { flush(); }

}  // namespace sasmlm
