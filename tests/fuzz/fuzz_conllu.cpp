// libFuzzer target: the streaming CoNLL-U reader, strict and with skip_invalid. Bad input must end in UserError;
// any other exception, crash or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.h"
#include "sasmlm/core/error.h"
#include "sasmlm/data/conllu.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sasmlm;
  const std::string path = fuzz_write_input(data, size, "input.conllu");
  for (bool skip_invalid : {false, true}) {
    try {
      ConlluReaderOptions options;
      options.skip_invalid = skip_invalid;
      ConlluReader reader(path, options);
      ConlluSentence sentence;
      while (reader.next(sentence)) {
        // What the reader accepts must be a valid tree.
        if (!validate_sentence(sentence).empty()) __builtin_trap();
      }
    } catch (const UserError&) {
    }
  }
  return 0;
}
