// GradReducer and ProcessGroup on real Gloo: two ranks as two threads of this process, talking over localhost.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <functional>
#include <thread>

#include "sasmlm/core/error.h"
#include "sasmlm/dist/grad_reducer.h"
#include "test_util.h"

namespace sasmlm {
namespace {

// Runs body(group) on `world` ranks (threads) joined in one Gloo process group; rethrows the first failure.
void run_ranks(int64_t world, const std::function<void(ProcessGroup&)>& body, int64_t timeout_s = 20) {
  const int port = test::free_port();
  std::vector<std::exception_ptr> errors(static_cast<size_t>(world));
  std::vector<std::thread> threads;
  for (int64_t r = 0; r < world; ++r) {
    threads.emplace_back([&, r] {
      try {
        DistEnv env;
        env.rank = r;
        env.world_size = world;
        env.master_addr = "127.0.0.1";
        env.port = port;
        env.launcher = "torchrun";
        DistributedConfig config;
        config.backend = "gloo";
        config.timeout_s = timeout_s;
        ProcessGroup group(env, config, torch::kCPU);
        body(group);
        group.barrier();
      } catch (...) {
        errors[size_t(r)] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// Deterministic values without the global generator, which the rank threads would race on.
torch::Tensor wave(at::IntArrayRef shape, double k) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return torch::sin(torch::arange(n, torch::kFloat32) * k + k).reshape(shape);
}

// A small model whose parameters span several buckets (with bucket_mb tiny) and one parameter that gets no gradient.
struct Net {
  torch::nn::Linear a{16, 32}, b{32, 4}, unused{4, 4};
  explicit Net(double k) {
    torch::NoGradGuard no_grad;
    double shift = 0;
    for (auto& p : parameters()) p.copy_(wave(p.sizes(), k + (shift += 0.01)) * 0.3);
  }
  std::vector<torch::Tensor> parameters() const {
    std::vector<torch::Tensor> p;
    for (const auto& m : {a.ptr(), b.ptr(), unused.ptr()}) {
      for (auto& t : m->parameters()) p.push_back(t);
    }
    return p;
  }
  torch::Tensor loss(const torch::Tensor& x) { return b(torch::tanh(a(x))).pow(2).sum(); }
};

// (B, 16) inputs of one rank's micro-batch.
torch::Tensor inputs(int64_t rank, int64_t micro) { return wave({5, 16}, 0.1 + 0.07 * rank + 0.013 * micro); }

TEST(ProcessGroup, CollectivesAndBroadcast) {
  run_ranks(3, [](ProcessGroup& g) {
    EXPECT_TRUE(g.distributed());
    torch::Tensor sum = torch::full({2}, double(g.rank() + 1), torch::kFloat64);
    g.wait(g.all_reduce_sum_async(sum), "sum");
    EXPECT_TRUE(torch::equal(sum, torch::full({2}, 6.0, torch::kFloat64)));
    EXPECT_DOUBLE_EQ(g.all_reduce_max(double(g.rank())), 2.0);
    std::vector<torch::Tensor> t{torch::full({2, 3}, double(g.rank())), torch::full({4}, 10.0 + double(g.rank()))};
    g.broadcast(t, 1);
    EXPECT_TRUE(torch::equal(t[0], torch::full({2, 3}, 1.0)));
    EXPECT_TRUE(torch::equal(t[1], torch::full({4}, 11.0)));
  });
}

TEST(ProcessGroup, OneLocalProcessNeedsNoEnvironment) {
  ProcessGroup g(DistEnv{}, DistributedConfig{}, torch::kCPU);
  EXPECT_FALSE(g.distributed());
  EXPECT_DOUBLE_EQ(g.all_reduce_max(2.5), 2.5);
  int ran = 0;
  g.main_runs("counting", [&] { ++ran; });
  EXPECT_EQ(ran, 1);
}

TEST(ProcessGroup, MainRunsFirstAndOthersWaitForIt) {
  std::atomic<bool> done{false};
  run_ranks(2, [&](ProcessGroup& g) {
    g.main_runs("sleeping", [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      done = true;
    });
    EXPECT_TRUE(done) << "rank " << g.rank() << " went on before rank 0 finished";
  });
}

TEST(GradReducer, SummedGradientsEqualTheLargeBatchGradientAcrossMicroSteps) {
  // Reference: one process, both ranks' two micro-batches each.
  Net ref(0.7);
  for (int64_t r = 0; r < 2; ++r) {
    for (int64_t m = 0; m < 2; ++m) ref.loss(inputs(r, m)).backward();
  }
  std::vector<torch::Tensor> expected;
  for (auto& p : ref.parameters()) expected.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());

  run_ranks(2, [&](ProcessGroup& g) {
    Net net(0.7 + 0.2 * double(g.rank()));  // different init: the broadcast must make them equal
    auto params = net.parameters();
    GradReducer reducer(g, params, /*bucket_mb=*/0.0004);  // about 100 floats: 4 buckets
    EXPECT_GE(reducer.num_buckets(), 3);
    reducer.broadcast_parameters();
    for (size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(torch::equal(params[i], ref.parameters()[i]));
    reducer.prepare_backward(false);
    net.loss(inputs(g.rank(), 0)).backward();
    // A non-final micro-step leaves the local gradient alone (no communication).
    Net local(0.7);
    local.loss(inputs(g.rank(), 0)).backward();
    EXPECT_TRUE(torch::allclose(params[0].grad(), local.a->weight.grad()));
    reducer.prepare_backward(true);
    net.loss(inputs(g.rank(), 1)).backward();
    reducer.finish();
    for (size_t i = 0; i < params.size(); ++i) {
      if (!expected[i].defined()) {
        EXPECT_TRUE(torch::equal(params[i].grad(), torch::zeros_like(params[i]))) << i;
        continue;
      }
      EXPECT_TRUE(torch::allclose(params[i].grad(), expected[i], 1e-5, 1e-6)) << "parameter " << i;
    }
    EXPECT_EQ(reducer.timings().steps, 1);
    EXPECT_GT(reducer.timings().comm_s, 0.0);
    EXPECT_EQ(reducer.check_parameters(1), reducer.parameter_checksum());
  });
}

TEST(GradReducer, DifferingParametersAreReported) {
  EXPECT_THROW(run_ranks(2,
                         [](ProcessGroup& g) {
                           Net net(0.1 + 0.2 * double(g.rank()));  // no broadcast: ranks disagree
                           GradReducer reducer(g, net.parameters(), 25.0);
                           reducer.check_parameters(5);
                         }),
               ExitRequest);
}

}  // namespace
}  // namespace sasmlm
