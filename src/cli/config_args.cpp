#include "config_args.h"

#include "sasmlm/config/config_loader.h"

namespace sasmlm::cli {

std::vector<OptionSpec> config_options() {
  return {
      {"--config", "CFG", "YAML config file (see configs/)"},
      {"--set", "KEY=VALUE", "override a config key; the value is YAML (e.g. --set trainer.max_steps=200)", true},
      log_level_option("default: the config's logging.level; the same as --set logging.level=LEVEL"),
  };
}

Config load_config_from_args(const Args& args, const Command& command) {
  std::vector<std::string> overrides = args.all("--set");
  if (args.has("--log-level")) overrides.push_back("logging.level=" + args.get("--log-level"));
  return load_config(args.require("--config", command), overrides);
}

}  // namespace sasmlm::cli
