// sasmlm: command-line entry point. Maps library errors to exit codes; nothing else lives here.
#include <c10/util/Exception.h>

#include <cstring>
#include <iostream>

#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

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

int run(int argc, char** argv) {
  const auto commands = sasmlm::cli::all_commands();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_help(commands);
    return argc < 2 ? sasmlm::kExitUserError : sasmlm::kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::cout << "sasmlm " << SASMLM_VERSION << " (libtorch " << TORCH_VERSION << ")\n";
    return sasmlm::kExitOk;
  }
  for (const auto& command : commands) {
    if (command.name != argv[1]) continue;
    for (int i = 2; i < argc; ++i) {
      if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
        std::cout << sasmlm::cli::command_help(command);
        return sasmlm::kExitOk;
      }
    }
    return command.run(sasmlm::cli::parse_args(command, argc, argv, 2));
  }
  throw sasmlm::UserError(std::string("unknown command '") + argv[1] + "' (see sasmlm --help)");
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
