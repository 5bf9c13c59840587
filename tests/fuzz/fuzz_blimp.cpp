// libFuzzer target: the BLiMP jsonl reader (read_blimp_file), with and without a pair limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "sasmlm/core/error.h"
#include "sasmlm/eval/blimp_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sasmlm;
  const std::string path = fuzz_write_input(data, size, "paradigm.jsonl");
  for (int64_t max_pairs : {int64_t(0), int64_t(2)}) {
    try {
      const BlimpParadigm paradigm = read_blimp_file(path, max_pairs);
      if (max_pairs > 0 && static_cast<int64_t>(paradigm.pairs.size()) > max_pairs) __builtin_trap();
    } catch (const UserError&) {
    }
  }
  return 0;
}
