// libFuzzer target: manifest.json of a prepared directory (Manifest::parse), and the re-serialization of what it
// accepts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sasmlm/core/error.h"
#include "sasmlm/data/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sasmlm;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const Manifest manifest = Manifest::parse(text, "fuzz/manifest.json");
    // What was accepted must round-trip.
    const Manifest again = Manifest::parse(manifest.to_json(), "fuzz/manifest.json (rewritten)");
    if (again.to_json() != manifest.to_json()) __builtin_trap();
  } catch (const UserError&) {
  }
  return 0;
}
