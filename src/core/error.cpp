#include "sasmlm/core/error.h"

namespace sasmlm {

void throw_internal(const char* file, int line, const char* condition, const std::string& message) {
  throw InternalError(std::string(file) + ":" + std::to_string(line) + ": check failed (" + condition +
                      "): " + message);
}

}  // namespace sasmlm
