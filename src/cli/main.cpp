// sasmlm: command-line entry point. --help and --version, picking the subcommand (with a did-you-mean for an
// unknown one), and mapping library errors to exit codes; the subcommands live in cmd_<name>.cpp.
#include <c10/util/Exception.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/name_suggestion.h"

namespace {

void print_help(const std::vector<sasmlm::cli::Command>& commands) {
  std::cout << "sasmlm " << SASMLM_VERSION
            << ": BERT-style masked language model pretraining with syntactic attention structure (SAS) regularization\n"
               "\nusage: sasmlm <command> [options]    (sasmlm <command> --help for its options)\n\ncommands:\n";
  for (const auto& c : commands) {
    std::string name = "  " + c.name;
    std::cout << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << c.summary << "\n";
  }
  std::cout << "\nexit codes: 0 ok, 1 internal error, 2 bad input, 3 diverged (non-finite steps), "
               "4 distributed failure,\n            75 interrupted by SIGTERM/SIGINT/SIGUSR1 after writing a checkpoint\n";
}

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h"; }

const sasmlm::cli::Command* find_command(const std::vector<sasmlm::cli::Command>& commands, const std::string& name) {
  for (const auto& command : commands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// An unknown first word: the nearest command (or --help / --version for an option) when it is a likely typo.
[[noreturn]] void unknown_command(const std::vector<sasmlm::cli::Command>& commands, const std::string& name) {
  const bool option = name.rfind('-', 0) == 0;
  std::vector<std::string> candidates;
  if (option) {
    candidates = {"--help", "--version"};
  } else {
    for (const auto& command : commands) candidates.push_back(command.name);
  }
  const std::string hint = sasmlm::did_you_mean(name, candidates, "'", "see sasmlm --help");
  if (option) {
    throw sasmlm::UserError("expected a command before options, got '" + name + "' (" + hint +
                            "; usage: sasmlm <command> [options])");
  }
  throw sasmlm::UserError("unknown command '" + name + "' (" + hint + ")");
}

int run(int argc, char** argv) {
  const auto commands = sasmlm::cli::all_commands();
  if (argc < 2) {
    print_help(commands);
    return sasmlm::kExitUserError;
  }
  // --version anywhere, before anything else is checked, unless a --help comes first.
  for (int i = 1; i < argc && !is_help(argv[i]); ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::cout << "sasmlm " << SASMLM_VERSION << " (libtorch " << TORCH_VERSION << ")\n";
      return sasmlm::kExitOk;
    }
  }
  if (is_help(argv[1])) {
    print_help(commands);
    return sasmlm::kExitOk;
  }
  const sasmlm::cli::Command* command = find_command(commands, argv[1]);
  if (command == nullptr) unknown_command(commands, argv[1]);
  for (int i = 2; i < argc; ++i) {
    if (is_help(argv[i])) {
      std::cout << sasmlm::cli::command_help(*command);
      return sasmlm::kExitOk;
    }
  }
  return command->run(sasmlm::cli::parse_args(*command, argc, argv, 2));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const sasmlm::UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return sasmlm::kExitUserError;
  } catch (const sasmlm::ExitRequest& e) {
    sasmlm::flush_log();
    std::cerr << (e.code() == sasmlm::kExitInterrupted ? "stopped: " : "error: ") << e.what() << "\n";
    return e.code();
  } catch (const c10::Error& e) {
    std::cerr << "internal error (torch): " << e.what_without_backtrace() << "\n";
    return sasmlm::kExitInternalError;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return sasmlm::kExitInternalError;
  }
}
