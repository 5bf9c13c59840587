// Where each config value came from (file and line), so errors found later -- in validation, after every file
// and override was merged -- still point at the line the user has to fix.
#pragma once

#include <map>
#include <string>

namespace sasmlm {

// A place in the user's input: a file (or "--set") and a 1-based line (0 = no line, as for --set).
struct KeySource {
  std::string file;
  int line = 0;

  // "cfg.yaml:3: " or "--set: ".
  std::string prefix() const;
};

// Builds the one-line message `<file>:<line>: <key>: <problem>`; without a source just `<key>: <problem>`, and
// without a key `<file>:<line>: <problem>`.
std::string config_message(const KeySource* source, const std::string& key, const std::string& problem);

// Dotted key ("trainer.lr", "sas.schedule[1].until") -> where its current value was given.
class KeySources {
 public:
  // Records `key`, forgetting what was recorded under it before ("key.x", "key[3]"): a list given again replaces
  // the whole list, elements included.
  void set(const std::string& key, KeySource source);

  // The source of `key`, else of its nearest recorded parent ("sas.schedule[1]", then "sas.schedule"); nullptr
  // when the value is a default.
  const KeySource* find(const std::string& key) const;

 private:
  std::map<std::string, KeySource> sources_;
};

}  // namespace sasmlm
