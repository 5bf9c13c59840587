// Helpers for the sweep tests: a base config and a sweep file in a temporary directory.
#pragma once

#include <string>

#include "sasmlm/core/error.h"
#include "sasmlm/sweep/sweep_file.h"
#include "test_util.h"

namespace sasmlm::test {

// A small valid base config: two SAS windows, so axes can reach sas.schedule.0.*.
inline const char* kSweepBaseConfig =
    "run: {seed: 1}\n"
    "data: {train: [train.conllu], dev: [dev.conllu], max_seq_len: 64}\n"
    "tokenizer: {vocab_size: 512}\n"
    "trainer: {max_steps: 40, batch_size: 8, lr: 0.001, log_every: 10}\n"
    "sas:\n"
    "  schedule: [{until: 100, lambda: 0.01}, {lambda: 0}]\n";

// Writes base.yaml (kSweepBaseConfig unless given) and sweep.yaml = "base: base.yaml\nout: <dir>/out\n" + body.
inline SweepSpec write_sweep(const TempDir& dir, const std::string& body, const std::string& base = kSweepBaseConfig) {
  write_text(dir / "base.yaml", base);
  write_text(dir / "sweep.yaml", "base: base.yaml\nout: " + (dir / "out").string() + "\n" + body);
  return load_sweep_file((dir / "sweep.yaml").string());
}

// The UserError message of `f()`, or "<no error>".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace sasmlm::test

// Expects `text` to contain `part`, printing the whole text otherwise.
#define EXPECT_CONTAINS(text, part)                                    \
  do {                                                                 \
    const std::string text_ = (text);                                  \
    EXPECT_NE(text_.find(part), std::string::npos) << "in: " << text_; \
  } while (0)
