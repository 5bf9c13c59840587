// The command line's habits (issue 21): --version anywhere, did-you-mean for commands, options and choices, --set
// paths into lists, and one set of log levels for every command. Through the built CLI ($SASMLM_CLI), as users
// see it, and on the command tables themselves.
#include <gtest/gtest.h>

#include <algorithm>

#include "commands.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/log_levels.h"
#include "test_util.h"

namespace sasmlm {
namespace {

bool is_version_line(const std::string& out) { return out.rfind("sasmlm " SASMLM_VERSION " (libtorch ", 0) == 0; }

TEST(CliHabits, VersionAnywhereOnTheCommandLine) {
  for (const char* args : {"--version", "train --version", "train --config nowhere.yaml --set x=1 --version",
                           "sweep plan s.yaml --version", "fill-mask --checkpoint c.ckpt --version 'a [MASK]'",
                           "trian --version"}) {
    const auto r = test::run_cli(args);
    EXPECT_EQ(r.exit_code, kExitOk) << args << ": " << r.err;
    EXPECT_TRUE(is_version_line(r.out)) << args << ": " << r.out;
    EXPECT_EQ(r.err, "") << args;
  }
  // A --help before it wins, as it comes first.
  const auto r = test::run_cli("train --help --version");
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_NE(r.out.find("usage: sasmlm train"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--version"), std::string::npos) << "command help lists --version";
}

TEST(CliHabits, UnknownCommandSuggestsTheNearest) {
  auto r = test::run_cli("trian --config x.yaml");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: unknown command 'trian' (did you mean 'train'?)\n");
  r = test::run_cli("fillmask x");
  EXPECT_EQ(r.err, "error: unknown command 'fillmask' (did you mean 'fill-mask'?)\n");
  r = test::run_cli("deploy");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: unknown command 'deploy' (see sasmlm --help)\n");
  r = test::run_cli("--verison");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err,
            "error: expected a command before options, got '--verison' (did you mean '--version'?; usage: sasmlm "
            "<command> [options])\n");
}

TEST(CliHabits, UnknownOptionSuggestsTheNearest) {
  auto r = test::run_cli("train --confg x.yaml");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: sasmlm train: unknown option --confg (did you mean --config?)\n");
  r = test::run_cli("eval --checkpint c.ckpt");
  EXPECT_EQ(r.err, "error: sasmlm eval: unknown option --checkpint (did you mean --checkpoint?)\n");
  r = test::run_cli("synth --out d --log-levle warn");
  EXPECT_EQ(r.err, "error: sasmlm synth: unknown option --log-levle (did you mean --log-level?)\n");
  r = test::run_cli("train --frobnicate");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: sasmlm train: unknown option --frobnicate (see sasmlm train --help)\n");
  r = test::run_cli("sweep plam s.yaml");
  EXPECT_EQ(r.err, "error: sasmlm sweep: unknown action 'plam' (did you mean 'plan'?)\n");
}

// Every command has --log-level with the one set of levels (core/log_levels.h), and refuses others alike.
TEST(CliHabits, EveryCommandTakesTheSameLogLevels) {
  for (const cli::Command& command : cli::all_commands()) {
    auto it = std::find_if(command.options.begin(), command.options.end(),
                           [](const cli::OptionSpec& o) { return o.name == "--log-level"; });
    ASSERT_NE(it, command.options.end()) << command.name << " has no --log-level";
    EXPECT_EQ(it->choices, log_level_names()) << command.name;
    EXPECT_EQ(it->help.rfind(log_level_help(), 0), 0u) << command.name << ": " << it->help;
    EXPECT_NE(command.usage.find("[--log-level LEVEL]"), std::string::npos) << command.usage;
    const auto r = test::run_cli(command.name + " --log-level verbose");
    EXPECT_EQ(r.exit_code, kExitUserError) << command.name;
    EXPECT_EQ(r.err, "error: sasmlm " + command.name +
                         ": --log-level: expected one of trace, debug, info, warn, error, off, got 'verbose'\n");
  }
  const auto r = test::run_cli("eval --checkpoint c.ckpt --log-level wran");
  EXPECT_EQ(r.err,
            "error: sasmlm eval: --log-level: expected one of trace, debug, info, warn, error, off, got 'wran' (did "
            "you mean 'warn'?)\n");
  EXPECT_EQ(log_level_names(), (std::vector<std::string>{"trace", "debug", "info", "warn", "error", "off"}));
  // config.h spells the set in logging.level's help (it includes no core header): it must not drift.
  const std::string dump = dump_config(Config{});
  const size_t at = dump.find("\n  level: ");
  ASSERT_NE(at, std::string::npos);
  const std::string line = dump.substr(at + 1, dump.find('\n', at + 1) - at - 1);
  EXPECT_EQ(line.substr(line.find("# ") + 2), log_level_help()) << line;
}

// A level the set names works where it was refused before: synth's and sweep's logging was fixed.
TEST(CliHabits, LogLevelReachesCommandsThatHadNone) {
  test::TempDir dir;
  auto r = test::run_cli("synth --out " + (dir / "s").string() + " --sentences 20 --pairs 1 --log-level warn");
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "") << "warn hides synth's info summary";
  r = test::run_cli("synth --out " + (dir / "t").string() + " --sentences 20 --pairs 1 --log-level info");
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.err.find("[info]"), std::string::npos) << r.err;
}

// --set reaches into a list as a sweep axis does; the dry-run plan shows the edited window.
TEST(CliHabits, SetReachesIntoAList) {
  test::TempDir dir;
  test::write_text(dir / "cfg.yaml", "run: {dir: " + (dir / "run").string() +
                                         "}\nsas:\n  schedule:\n    - {until: 10, lambda: 0.01}\n    - {lambda: 0}\n");
  const std::string train = "train --dry-run --config " + (dir / "cfg.yaml").string();
  auto r = test::run_cli(train + " --set sas.schedule.0.until=5");
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("steps [0, 5): lambda 0.01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("steps [5, 1000): lambda 0 "), std::string::npos) << r.out;
  r = test::run_cli(train + " --set sas.schedule.2.until=5");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err,
            "error: --set: sas.schedule.2.until: index 2 is out of range: sas.schedule has 2 item(s) (hint: give the "
            "whole list to change its length)\n");
  r = test::run_cli(train + " --set trainer.lr.0=1");
  EXPECT_EQ(r.err, "error: --set: trainer.lr.0: trainer.lr is a single value, not a list: index 0 does not apply\n");
}

}  // namespace
}  // namespace sasmlm
