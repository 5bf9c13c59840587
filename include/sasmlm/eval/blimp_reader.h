// Reader for BLiMP minimal pairs (Warstadt et al. 2020): one jsonl file per paradigm, one pair per line.
//
// Both BLiMP's own files and those `sasmlm synth` writes are read. A line must be a JSON object with the string
// fields sentence_good, sentence_bad, field, linguistics_term and UID (the paradigm); other fields (pairID,
// simple_LM_method, ...) are ignored. All lines of a file must share UID, field and linguistics_term. The files are
// untrusted input: any malformed line throws UserError naming file:line, what was expected and what was found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sasmlm {

struct BlimpPair {
  std::string good, bad;
};

struct BlimpParadigm {
  std::string name;        // UID
  std::string field;       // e.g. morphology, syntax
  std::string phenomenon;  // linguistics_term, e.g. subject_verb_agreement
  std::vector<BlimpPair> pairs;
};

// One paradigm file; max_pairs > 0 keeps only its first max_pairs pairs (0 = all). Blank lines are skipped.
BlimpParadigm read_blimp_file(const std::string& path, int64_t max_pairs);

// Every *.jsonl file of `dir`, in file-name order. Throws UserError when the directory is missing, holds no jsonl
// file, or two files name the same UID.
std::vector<BlimpParadigm> read_blimp_dir(const std::string& dir, int64_t max_pairs_per_paradigm /*0=all*/);

}  // namespace sasmlm
