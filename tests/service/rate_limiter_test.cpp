#include "clue_router/service/rate_limiter.hpp"

#include <catch2/catch.hpp>

using namespace clue_router::service;
using namespace std::chrono_literals;

namespace {
const RateLimiter::Clock::time_point t0 = RateLimiter::Clock::time_point{} + 1h;
}

TEST_CASE("a key spends its burst, then waits for tokens at the sustained rate",
          "[service][rate_limit]") {
    RateLimiter limiter({/*per_minute=*/120, /*burst=*/3});  // 2 tokens a second
    for (int i = 0; i < 3; ++i) CHECK(limiter.take("k1", t0).allowed);
    const auto refused = limiter.take("k1", t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after_seconds == 1);  // half a second, rounded up
    CHECK_FALSE(limiter.take("k1", t0 + 400ms).allowed);
    CHECK(limiter.take("k1", t0 + 600ms).allowed);
    CHECK_FALSE(limiter.take("k1", t0 + 600ms).allowed);
    // A long pause refills to the burst, never beyond.
    for (int i = 0; i < 3; ++i) CHECK(limiter.take("k1", t0 + 1h).allowed);
    CHECK_FALSE(limiter.take("k1", t0 + 1h).allowed);
}

TEST_CASE("keys have separate buckets", "[service][rate_limit]") {
    RateLimiter limiter({60, 1});
    CHECK(limiter.take("a", t0).allowed);
    CHECK_FALSE(limiter.take("a", t0).allowed);
    CHECK(limiter.take("b", t0).allowed);
}

TEST_CASE("Retry-After covers the wait for a whole token at slow rates", "[service][rate_limit]") {
    RateLimiter limiter({/*per_minute=*/6, /*burst=*/1});  // one token every 10 s
    CHECK(limiter.take("k", t0).allowed);
    const auto refused = limiter.take("k", t0 + 1s);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after_seconds == 9);
    CHECK(limiter.take("k", t0 + 10s).allowed);
}

TEST_CASE("zero per minute turns limiting off", "[service][rate_limit]") {
    RateLimiter limiter({0, 1});
    for (int i = 0; i < 1000; ++i) CHECK(limiter.take("k", t0).allowed);
    CHECK(limiter.tracked() == 0);
}

TEST_CASE("full buckets are forgotten, so idle keys cost no memory", "[service][rate_limit]") {
    RateLimiter limiter({60, 2});
    for (int i = 0; i < 100; ++i) CHECK(limiter.take("key-" + std::to_string(i), t0).allowed);
    CHECK(limiter.tracked() == 100);
    // Two minutes on, every bucket has refilled: the next call sweeps them away.
    CHECK(limiter.take("late", t0 + 2min).allowed);
    CHECK(limiter.tracked() == 1);
    // A clock that steps back (it should not, but) takes nothing extra and adds nothing.
    CHECK(limiter.take("late", t0 + 1min).allowed);
    CHECK_FALSE(limiter.take("late", t0 + 1min).allowed);
}
