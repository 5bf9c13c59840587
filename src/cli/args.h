// A small declarative command-line parser: each subcommand lists its options once, and the same table prints help.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sasmlm::cli {

struct OptionSpec {
  std::string name;                       // "--config"
  std::string value_name;                 // "CFG" (empty: a flag without value)
  std::string help;                       // one line
  bool repeatable = false;                // may be given several times (--set)
  std::vector<std::string> choices = {};  // the values allowed ({} = any); parse_args refuses others
};

struct Command {
  std::string name;                     // "train"
  std::string summary;                  // one line for `sasmlm --help`
  std::string usage;                    // "sasmlm train --config CFG [--set KEY=VALUE]... [--resume auto|PATH]"
  std::vector<OptionSpec> options;
  std::string positional;               // name of positional arguments ("" = none allowed)
  int (*run)(const struct Args&) = nullptr;
};

struct Args {
  std::map<std::string, std::vector<std::string>> values;  // option -> values (flags map to {""})
  std::vector<std::string> positional;

  bool has(const std::string& name) const { return values.count(name) != 0; }
  // The option's single value, or `fallback` when absent.
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // The option's value; a UserError naming the command's usage when absent.
  std::string require(const std::string& name, const Command& command) const;
  std::vector<std::string> all(const std::string& name) const;
  // Integer value with a UserError naming the option when malformed.
  long long get_int(const std::string& name, long long fallback) const;
};

// Parses argv[first..]; --help and --version are recognised by the caller before. Throws UserError on unknown or
// malformed options and on a value outside an option's choices; an unknown option or value is answered with the
// nearest valid one ("did you mean --config?") when it is a likely typo.
Args parse_args(const Command& command, int argc, char** argv, int first);

// --log-level LEVEL, the same for every command: the levels of log_level_names() (core/logging.h). `default_note`
// closes its help ("default info").
OptionSpec log_level_option(const std::string& default_note);

std::string command_help(const Command& command);

}  // namespace sasmlm::cli
