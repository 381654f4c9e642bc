// AdamW as docs/transformer.md specifies: the schedule's values, one update against a hand-computed
// step (decay on weights only, bias correction), and global-norm clipping.
#include "core/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace embedlab {
namespace {

TEST(LearningRateSchedule, WarmsUpLinearlyThenDecaysByCosineToATenthAtTheLastStep) {
  AdamWOptions o;
  o.learning_rate = 1e-3;
  o.warmup = 10;
  o.steps = 110;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0), 1e-4);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 4), 5e-4);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 9), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 10), 1e-3);  // the peak, then cosine
  // Halfway through the decay (step 10 + 99/2): the mean of peak and floor.
  const double halfway = 1e-4 + 0.5 * (1.0 + std::cos(3.14159265358979323846 * 50.0 / 99.0)) * 9e-4;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 60), halfway);
  EXPECT_NEAR(learning_rate_at(o, 60), 5.5e-4, 2e-5);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 109), 1e-4);
  for (std::int64_t s = 11; s < 110; ++s) EXPECT_LT(learning_rate_at(o, s), learning_rate_at(o, s - 1));
}

TEST(LearningRateSchedule, WithoutWarmUpStartsAtThePeak) {
  AdamWOptions o;
  o.learning_rate = 2e-3;
  o.steps = 1;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0), 2e-4);  // the only step is the last one
  o.steps = 3;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0), 2e-3);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1), 1.1e-3);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 2), 2e-4);
}

TEST(AdamW, OneStepMatchesTheHandComputedUpdate) {
  AdamWOptions o;
  o.learning_rate = 0.01;
  o.steps = 2;
  std::vector<float> weight = {1.0f, -2.0f}, bias = {0.5f};
  AdamW adam(o, {{weight.data(), 2, true}, {bias.data(), 1, false}});
  ASSERT_EQ(adam.size(), 3u);
  const Gradients g = {{0.1f, -0.3f}, {0.2f}};
  adam.update(g, 1.0f, 0);
  // Step 1: m = 0.1 g, v = 0.05 g², m̂ = g, v̂ = g², so the step is lr·g/(|g|+eps) = ±lr; weights
  // first shrink by (1 - lr·wd).
  const double lr = 0.01;
  EXPECT_NEAR(weight[0], 1.0 * (1 - lr * 0.1) - lr * 0.1 / (0.1 + 1e-8), 1e-6);
  EXPECT_NEAR(weight[1], -2.0 * (1 - lr * 0.1) + lr * 0.3 / (0.3 + 1e-8), 1e-6);
  EXPECT_NEAR(bias[0], 0.5 - lr, 1e-6);  // no decay on a bias
  // Step 2 (the last: rate 0.1·lr), gradient 0.3 on the bias: m = 0.9·0.02 + 0.1·0.3 = 0.048,
  // v = 0.95·0.002 + 0.05·0.09 = 0.0064; corrections 1-0.81 and 1-0.9025.
  const double b0 = bias[0];
  adam.update({{0.0f, 0.0f}, {0.3f}}, 1.0f, 1);
  const double m = 0.048 / 0.19, v = 0.0064 / 0.0975;
  EXPECT_NEAR(bias[0], b0 - 0.001 * m / (std::sqrt(v) + 1e-8), 1e-6);
}

TEST(AdamW, ClippingScalesTheGradientToNormOne) {
  EXPECT_DOUBLE_EQ(clip_scale(0.5, 1.0), 1.0);
  EXPECT_NEAR(clip_scale(4.0, 1.0), 0.25, 1e-7);
  std::vector<float> a(3, 0.0f), b(2, 0.0f);
  AdamW adam(AdamWOptions{}, {{a.data(), 3, true}, {b.data(), 2, false}});
  const Gradients g = {{3.0f, 0.0f, 0.0f}, {0.0f, 4.0f}};
  EXPECT_DOUBLE_EQ(squared_norm(adam, g, 0, 5), 25.0);
  EXPECT_DOUBLE_EQ(squared_norm(adam, g, 0, 3) + squared_norm(adam, g, 3, 5), 25.0);
  EXPECT_DOUBLE_EQ(squared_norm(adam, g, 2, 4), 0.0);
  EXPECT_DOUBLE_EQ(squared_norm(adam, g, 1, 5), 16.0);
}

TEST(AdamW, UpdatingRangesEqualsUpdatingEverythingAtOnce) {
  AdamWOptions o;
  o.steps = 5;
  o.warmup = 2;
  std::vector<float> w1 = {1, 2, 3, 4}, b1 = {0.5f, -0.5f}, w2 = w1, b2 = b1;
  AdamW whole(o, {{w1.data(), 4, true}, {b1.data(), 2, false}});
  AdamW parts(o, {{w2.data(), 4, true}, {b2.data(), 2, false}});
  const Gradients g = {{0.1f, -0.2f, 0.3f, 0.0f}, {1.0f, -1.0f}};
  for (int step = 0; step < 5; ++step) {
    whole.update(g, 0.5f, step);
    parts.update(g, 0.5f, step, 0, 3);
    parts.update(g, 0.5f, step, 3, 5);
    parts.update(g, 0.5f, step, 5, 6);
  }
  EXPECT_EQ(w1, w2);
  EXPECT_EQ(b1, b2);
}

}  // namespace
}  // namespace embedlab
