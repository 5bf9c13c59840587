#include "commands.h"

namespace sasmlm::cli {

std::vector<Command> all_commands() {
  return {synth_command(),     prepare_command(), train_command(),  eval_command(),
          fill_mask_command(), export_command(),  import_command(), sweep_command()};
}

}  // namespace sasmlm::cli
