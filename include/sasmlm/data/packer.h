// Packs aligned sentences into BERT sequences [CLS] s1 s2 ... [SEP] of at most max_seq_len tokens.
//
// Consecutive sentences of one document share a sequence while they fit (data.pack); a new document always starts
// a new sequence. Heads stay inside their sentence, so no arc crosses a sentence boundary. A sentence with more
// than max_seq_len - 2 pieces is split into chunks at word boundaries (a single word longer than a chunk is cut
// between pieces), each chunk its own sequence, and arcs whose head lies in another chunk become -1; or, with
// data.long_sentences=drop, it is dropped. Both are counted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "sasmlm/config/config.h"
#include "sasmlm/data/alignment.h"
#include "sasmlm/data/shard.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

struct PackerOptions {
  int64_t max_seq_len = 128;   // including [CLS] and [SEP]
  bool pack = true;            // several sentences per sequence
  bool split_long = true;      // false: drop over-long sentences
  int32_t cls_id = kClsId;     // the vocabulary's [CLS] and [SEP] (a WordPiece vocab.txt has its own ids)
  int32_t sep_id = kSepId;
};

// From data.max_seq_len / pack / long_sentences; UserError naming the key for a bad value.
PackerOptions packer_options(const DataConfig& config);

struct PackerStats {
  int64_t sentences = 0;          // sentences added
  int64_t sentences_split = 0;    // longer than max_seq_len - 2 pieces, split into chunks
  int64_t chunks = 0;             // chunks those produced
  int64_t sentences_dropped = 0;  // longer than max_seq_len - 2 pieces, dropped
  int64_t arcs_cut = 0;           // arcs lost because head and dependent fell in different chunks
  int64_t sequences = 0;          // sequences emitted
  int64_t tokens = 0;             // tokens emitted, [CLS]/[SEP] included
  int64_t parsed_sequences = 0;   // sequences emitted from parsed sentences (the rest: plain text)
};

class Packer {
 public:
  using Sink = std::function<void(const SequenceData&)>;

  Packer(PackerOptions options, Sink sink);

  // Adds the next sentence in corpus order; new_document flushes the sequence being filled first. parsed = false:
  // a plain-text sentence (no arcs): its sequences hold no parsed sentence and every token carries kTokenUnparsed.
  void add(const AlignedSentence& sentence, bool new_document, bool parsed = true);
  // Emits the last, partly filled sequence.
  void finish();

  const PackerStats& stats() const { return stats_; }

 private:
  // Appends pieces [begin, end) of `sentence` to the open sequence; arcs leaving the range become -1.
  void append(const AlignedSentence& sentence, int32_t begin, int32_t end, bool continuation);
  void flush();

  PackerOptions options_;
  Sink sink_;
  SequenceData current_;  // [CLS] and the sentences so far; [SEP] is added by flush()
  bool current_parsed_ = true;  // whether current_ holds parsed sentences
  PackerStats stats_;
};

}  // namespace sasmlm
