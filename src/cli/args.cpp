#include "args.h"

#include <algorithm>
#include <sstream>

#include "sasmlm/core/error.h"
#include "sasmlm/core/log_levels.h"
#include "sasmlm/core/name_suggestion.h"

namespace sasmlm::cli {

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::string Args::require(const std::string& name, const Command& command) const {
  if (!has(name)) throw UserError("sasmlm " + command.name + ": missing " + name + " (usage: " + command.usage + ")");
  return get(name);
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

long long Args::get_int(const std::string& name, long long fallback) const {
  if (!has(name)) return fallback;
  const std::string text = get(name);
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (...) {
  }
  throw UserError(name + ": expected an integer, got '" + text + "'");
}

namespace {

void check_choice(const Command& command, const OptionSpec& spec, const std::string& value) {
  if (spec.choices.empty() || std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end()) return;
  const std::string hint = did_you_mean(value, spec.choices, "'");
  throw UserError("sasmlm " + command.name + ": " + spec.name + ": expected one of " + join_names(spec.choices) +
                  ", got '" + value + "'" + (hint.empty() ? "" : " (" + hint + ")"));
}

}  // namespace

Args parse_args(const Command& command, int argc, char** argv, int first) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string token = argv[i];
    if (token.size() > 2 && token.rfind("--", 0) == 0) {
      std::string name = token, value;
      bool inline_value = false;
      if (auto eq = token.find('='); eq != std::string::npos) {
        name = token.substr(0, eq);
        value = token.substr(eq + 1);
        inline_value = true;
      }
      const OptionSpec* spec = nullptr;
      for (const auto& o : command.options) {
        if (o.name == name) spec = &o;
      }
      if (spec == nullptr) {
        std::vector<std::string> known = {"--help", "--version"};
        for (const auto& o : command.options) known.push_back(o.name);
        throw UserError("sasmlm " + command.name + ": unknown option " + name + " (" +
                        did_you_mean(name, known, "", "see sasmlm " + command.name + " --help") + ")");
      }
      if (!spec->value_name.empty() && !inline_value) {
        if (i + 1 >= argc) throw UserError("sasmlm " + command.name + ": " + name + " needs a value " + spec->value_name);
        value = argv[++i];
      }
      if (spec->value_name.empty() && inline_value) {
        throw UserError("sasmlm " + command.name + ": " + name + " takes no value");
      }
      if (!spec->repeatable && args.has(name)) {
        throw UserError("sasmlm " + command.name + ": " + name + " given twice");
      }
      check_choice(command, *spec, value);
      args.values[name].push_back(value);
    } else {
      if (command.positional.empty()) {
        throw UserError("sasmlm " + command.name + ": unexpected argument '" + token + "' (usage: " + command.usage + ")");
      }
      args.positional.push_back(token);
    }
  }
  return args;
}

OptionSpec log_level_option(const std::string& default_note) {
  OptionSpec option{"--log-level", "LEVEL", std::string(log_level_help()) + " (" + default_note + ")"};
  option.choices = log_level_names();
  return option;
}

std::string command_help(const Command& command) {
  std::ostringstream out;
  out << command.summary << "\n\nusage: " << command.usage << "\n\noptions:\n";
  for (const auto& o : command.options) {
    std::string left = "  " + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << o.help
        << (o.repeatable ? " (repeatable)" : "") << "\n";
  }
  out << "  --help                    this help\n"
         "  --version                 the version of sasmlm and of libtorch\n";
  return out.str();
}

}  // namespace sasmlm::cli
