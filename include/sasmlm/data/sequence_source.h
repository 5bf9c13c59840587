// Random access to prepared sequences, as the batch builder needs them.
//
// A small interface so batching and masking can be tested on hand-made sequences and run on memory-mapped shards
// (PreparedSplitSource in prepared_source.h) alike.
#pragma once

#include <cstdint>
#include <vector>

namespace sasmlm {

// One sequence, BERT layout [CLS] ... [SEP], as stored in the shards.
struct SequenceRecord {
  std::vector<int32_t> ids;         // token ids
  std::vector<int32_t> heads;       // head's position in this sequence, -1 where the token carries no arc
  std::vector<int32_t> word_index;  // 0-based word index within its sentence, -1 for [CLS]/[SEP]
  bool parsed = true;               // from parsed (CoNLL-U) text; false for plain text (no arcs)
};

class SequenceSource {
 public:
  virtual ~SequenceSource() = default;
  virtual int64_t size() const = 0;
  // Fills `out` with sequence i (0 <= i < size()). Must be safe to call from the loader thread.
  virtual void read(int64_t i, SequenceRecord& out) const = 0;
};

// An in-memory source (tests, small eval sets).
class VectorSequenceSource : public SequenceSource {
 public:
  explicit VectorSequenceSource(std::vector<SequenceRecord> sequences) : sequences_(std::move(sequences)) {}
  int64_t size() const override { return static_cast<int64_t>(sequences_.size()); }
  void read(int64_t i, SequenceRecord& out) const override { out = sequences_.at(static_cast<size_t>(i)); }

 private:
  std::vector<SequenceRecord> sequences_;
};

}  // namespace sasmlm
