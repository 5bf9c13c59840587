// The files behind data.train / data.dev: each entry of those lists is a file, a directory or a glob pattern,
// expanded once, before anything is read (prepare, the prepared-data check, the --dry-run plan).
//
//   file       taken as it is (".txt" / ".txt.gz": plain text, anything else CoNLL-U; ".gz": gzip, see input_file.h)
//   directory  its files named *.conllu, *.conllu.gz, *.txt, *.txt.gz, sorted by name; not recursive (a
//              corpus split into parts is one flat directory; subdirectories such as old copies stay out); hidden
//              files (".name") are skipped; none at all is an error naming the key
//   pattern    an entry that is not an existing path and holds *, ? or [...]: POSIX glob(3), matches sorted by
//              name (bytewise, not by locale); a match that is a directory is expanded as above; no match at all
//              is an error naming the key and the pattern
// Entries expand in list order; the result is the order the files are read in, and prepare records it (with
// each file's size and CRC-32) in manifest.json, so a directory whose content changes is prepared again.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

struct InputPath {
  std::string path;    // a file to read (its existence is checked by whoever reads it)
  std::string origin;  // the config entry it came from, for messages: "data.train[2]"
};

// Expands the entries of the list config key `key` (data.train or data.dev); UserError naming key[i] for a
// pattern without a match or a directory without corpus files.
std::vector<InputPath> expand_input_paths(const std::vector<std::string>& entries, const std::string& key);

// The paths alone, in order.
std::vector<std::string> input_path_list(const std::vector<InputPath>& inputs);

}  // namespace sasmlm
