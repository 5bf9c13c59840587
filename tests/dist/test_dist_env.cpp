// Environment detection: torchrun and Slurm variables, node lists, ports, and the errors for broken environments.
#include <gtest/gtest.h>

#include <map>

#include "sasmlm/core/error.h"
#include "sasmlm/dist/process_group.h"

namespace sasmlm {
namespace {

using Vars = std::map<std::string, std::string>;

DistEnv detect(const Vars& vars) {
  return detect_dist_env([&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

// The UserError message of detect(vars), or "" when it does not throw.
std::string error_of(const Vars& vars) {
  try {
    detect(vars);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

const Vars kTorchrun = {{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"},
                        {"MASTER_ADDR", "node01"}, {"MASTER_PORT", "29500"}};
const Vars kSlurm = {{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"}, {"SLURM_STEP_ID", "0"},
                     {"SLURM_JOB_NODELIST", "gpu[07-08,11],cpu1"}, {"SLURM_JOB_ID", "4242"}};

TEST(DistEnv, NoLauncherIsOneLocalProcess) {
  const DistEnv d = detect({{"HOME", "/root"}});
  EXPECT_EQ(d.launcher, "none");
  EXPECT_EQ(d.rank, 0);
  EXPECT_EQ(d.world_size, 1);
}

TEST(DistEnv, TorchrunVariables) {
  const DistEnv d = detect(kTorchrun);
  EXPECT_EQ(d.launcher, "torchrun");
  EXPECT_EQ(d.rank, 3);
  EXPECT_EQ(d.world_size, 8);
  EXPECT_EQ(d.local_rank, 1);
  EXPECT_EQ(d.master_addr, "node01");
  EXPECT_EQ(d.port, 29500);
}

TEST(DistEnv, TorchrunWinsOverSlurmAndLocalRankDefaultsToZero) {
  Vars v = kSlurm;
  v.insert({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "1234"}});
  const DistEnv d = detect(v);
  EXPECT_EQ(d.launcher, "torchrun");
  EXPECT_EQ(d.rank, 1);
  EXPECT_EQ(d.world_size, 2);
  EXPECT_EQ(d.local_rank, 0);
}

TEST(DistEnv, TorchrunWithOneProcessStillLaunches) {
  const DistEnv d =
      detect({{"RANK", "0"}, {"WORLD_SIZE", "1"}, {"MASTER_ADDR", "localhost"}, {"MASTER_PORT", "29400"}});
  EXPECT_EQ(d.launcher, "torchrun");
  EXPECT_EQ(d.world_size, 1);
}

TEST(DistEnv, TorchrunErrorsNameTheVariable) {
  Vars v = kTorchrun;
  v.erase("WORLD_SIZE");
  EXPECT_NE(error_of(v).find("WORLD_SIZE is missing"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v.erase("RANK");
  EXPECT_NE(error_of(v).find("RANK is missing"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v.erase("MASTER_ADDR");
  EXPECT_NE(error_of(v).find("MASTER_ADDR is missing"), std::string::npos);
  v = kTorchrun;
  v.erase("MASTER_PORT");
  EXPECT_NE(error_of(v).find("MASTER_PORT is missing"), std::string::npos);
  v = kTorchrun;
  v["RANK"] = "8";
  EXPECT_NE(error_of(v).find("RANK=8 is not below WORLD_SIZE=8"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v["RANK"] = "two";
  EXPECT_NE(error_of(v).find("RANK='two': expected a non-negative integer"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v["WORLD_SIZE"] = "-2";
  EXPECT_NE(error_of(v).find("WORLD_SIZE='-2'"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v["WORLD_SIZE"] = "0";
  EXPECT_NE(error_of(v).find("WORLD_SIZE=0: expected at least 1"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v["LOCAL_RANK"] = "4";
  EXPECT_NE(error_of(v).find("LOCAL_RANK=4 exceeds RANK=3"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v["MASTER_PORT"] = "70000";
  EXPECT_NE(error_of(v).find("MASTER_PORT=70000"), std::string::npos) << error_of(v);
  v = kTorchrun;
  v["MASTER_PORT"] = "29500x";
  EXPECT_NE(error_of(v).find("MASTER_PORT='29500x'"), std::string::npos) << error_of(v);
}

TEST(DistEnv, SlurmVariables) {
  const DistEnv d = detect(kSlurm);
  EXPECT_EQ(d.launcher, "slurm");
  EXPECT_EQ(d.rank, 5);
  EXPECT_EQ(d.world_size, 8);
  EXPECT_EQ(d.local_rank, 1);
  EXPECT_EQ(d.master_addr, "gpu07");
  EXPECT_EQ(d.port, slurm_port("4242"));
}

TEST(DistEnv, SlurmPrefersStepVariablesAndHonoursMasterOverrides) {
  Vars v = kSlurm;
  v["SLURM_STEP_NUM_TASKS"] = "6";
  v["SLURM_STEP_NODELIST"] = "a[3-4]";
  EXPECT_EQ(detect(v).world_size, 6);
  EXPECT_EQ(detect(v).master_addr, "a3");
  v["MASTER_ADDR"] = "login2";
  v["MASTER_PORT"] = "31000";
  EXPECT_EQ(detect(v).master_addr, "login2");
  EXPECT_EQ(detect(v).port, 31000);
}

TEST(DistEnv, SlurmOutsideAStepOrWithOneTaskTrainsAlone) {
  Vars batch_script = kSlurm;  // sbatch's own shell: SLURM_PROCID set, but no srun step
  batch_script.erase("SLURM_STEP_ID");
  EXPECT_EQ(detect(batch_script).launcher, "none");
  Vars one_task = kSlurm;
  one_task["SLURM_NTASKS"] = "1";
  one_task["SLURM_PROCID"] = "0";
  one_task["SLURM_LOCALID"] = "0";
  EXPECT_EQ(detect(one_task).launcher, "none");
  EXPECT_EQ(detect(one_task).world_size, 1);
}

TEST(DistEnv, SlurmErrorsNameTheVariable) {
  Vars v = kSlurm;
  v.erase("SLURM_NTASKS");
  EXPECT_NE(error_of(v).find("SLURM_NTASKS is missing"), std::string::npos);
  v = kSlurm;
  v.erase("SLURM_LOCALID");
  EXPECT_NE(error_of(v).find("SLURM_LOCALID is missing"), std::string::npos);
  v = kSlurm;
  v.erase("SLURM_JOB_NODELIST");
  EXPECT_NE(error_of(v).find("SLURM_JOB_NODELIST is missing"), std::string::npos);
  v = kSlurm;
  v.erase("SLURM_JOB_ID");
  EXPECT_NE(error_of(v).find("SLURM_JOB_ID is missing"), std::string::npos);
  v = kSlurm;
  v["SLURM_PROCID"] = "9";
  EXPECT_NE(error_of(v).find("SLURM_PROCID=9 is not below SLURM_NTASKS=8"), std::string::npos) << error_of(v);
  v = kSlurm;
  v["SLURM_JOB_NODELIST"] = "node[01-04";
  EXPECT_NE(error_of(v).find("SLURM_JOB_NODELIST='node[01-04'"), std::string::npos) << error_of(v);
  v = kSlurm;
  v["SLURM_JOB_ID"] = "12_3";
  EXPECT_NE(error_of(v).find("SLURM_JOB_ID='12_3'"), std::string::npos) << error_of(v);
}

TEST(SlurmNodeList, FirstHostOfEachForm) {
  EXPECT_EQ(first_slurm_host("node01"), "node01");
  EXPECT_EQ(first_slurm_host("node01,node02"), "node01");
  EXPECT_EQ(first_slurm_host("node[01-04,07],gpu3"), "node01");
  EXPECT_EQ(first_slurm_host("node[07,01-04]"), "node07");
  EXPECT_EQ(first_slurm_host("gpu3,node[01-04]"), "gpu3");
  EXPECT_EQ(first_slurm_host("gpu[3-4]-ib"), "gpu3-ib");
  EXPECT_EQ(first_slurm_host("rack[2-3]-n[009-012]"), "rack2-n009");
  EXPECT_EQ(first_slurm_host("n[5]"), "n5");
  EXPECT_EQ(first_slurm_host("login.cluster.org"), "login.cluster.org");
}

TEST(SlurmNodeList, MalformedListsAreUserErrors) {
  for (const char* bad : {"", "node[01-04", "node01]", "node[]", "node[a-b]", ",node1"}) {
    EXPECT_THROW(first_slurm_host(bad), UserError) << bad;
  }
}

TEST(SlurmPort, StableInRangeAndSpreadOverJobs) {
  EXPECT_EQ(slurm_port("123456"), slurm_port("123456"));
  EXPECT_NE(slurm_port("123456"), slurm_port("123457"));
  for (const char* id : {"0", "1", "19999", "20000", "987654321", "123456789012345"}) {
    const int port = slurm_port(id);
    EXPECT_GE(port, 20000) << id;
    EXPECT_LT(port, 40000) << id;
  }
  EXPECT_THROW(slurm_port(""), UserError);
  EXPECT_THROW(slurm_port("abc"), UserError);
}

TEST(Backend, AutoPicksGlooOnCpuAndNcclNeedsCuda) {
  EXPECT_EQ(resolve_backend("auto", torch::kCPU), "gloo");
  EXPECT_EQ(resolve_backend("gloo", torch::kCPU), "gloo");
  EXPECT_THROW(resolve_backend("nccl", torch::kCPU), UserError);
  EXPECT_THROW(resolve_backend("mpi", torch::kCPU), UserError);
}

}  // namespace
}  // namespace sasmlm
