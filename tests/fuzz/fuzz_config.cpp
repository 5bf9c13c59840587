// libFuzzer target: the YAML config loader (load_config_from_string: reader, scalar conversion, validation) and
// the dump of what it accepts, which must load again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sasmlm;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  // `base:` must not reach outside: resolve it inside a directory that does not exist.
  const std::string name = "/nonexistent/sasmlm_fuzz/config.yaml";
  try {
    const Config config = load_config_from_string(yaml, name);
    const std::string dumped = dump_config(config);
    (void)load_config_from_string(dumped, name + " (dumped)");
  } catch (const UserError&) {
  }
  return 0;
}
