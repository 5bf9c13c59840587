// Shared by the libFuzzer targets. The parsers read files, so each input is first written to a scratch file in a
// per-process directory (under /dev/shm when present: no disk traffic at thousands of inputs a second).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace sasmlm {

// Writes `size` bytes to <scratch dir>/<name> (replacing it) and returns the path. The directory is made on first
// use and removed at exit.
std::string fuzz_write_input(const uint8_t* data, size_t size, const std::string& name);

// The per-process scratch directory.
const std::string& fuzz_scratch_dir();

}  // namespace sasmlm
