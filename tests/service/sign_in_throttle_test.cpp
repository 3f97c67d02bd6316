#include "clue_router/service/sign_in_throttle.hpp"

#include <catch2/catch.hpp>

using namespace clue_router::service;
using namespace std::chrono_literals;

namespace {
const clue_router::domain::Timestamp t0{std::chrono::milliseconds(1'700'000'000'000)};
}

TEST_CASE("the wait doubles after the free failures, up to the cap", "[service][throttle]") {
    const ThrottleOptions o{3, 1s, 60s, 3600s, 1000};
    CHECK(throttle_delay(0, o) == 0s);
    CHECK(throttle_delay(3, o) == 0s);
    CHECK(throttle_delay(4, o) == 1s);
    CHECK(throttle_delay(5, o) == 2s);
    CHECK(throttle_delay(6, o) == 4s);
    CHECK(throttle_delay(9, o) == 32s);
    CHECK(throttle_delay(10, o) == 60s);
    CHECK(throttle_delay(1000, o) == 60s);
}

TEST_CASE("a key waits after its failures, and a success clears it", "[service][throttle]") {
    SignInThrottle t({2, 1s, 60s, 3600s, 1000});
    CHECK_FALSE(t.wait("a", t0));
    t.failure("a", t0);
    t.failure("a", t0);
    CHECK_FALSE(t.wait("a", t0));  // two free failures
    t.failure("a", t0);
    REQUIRE(t.wait("a", t0));
    CHECK(*t.wait("a", t0) == 1s);
    CHECK(*t.wait("a", t0 + 400ms) == 1s);  // rounded up
    CHECK_FALSE(t.wait("a", t0 + 1s));
    t.failure("a", t0 + 1s);
    CHECK(*t.wait("a", t0 + 1s) == 2s);
    CHECK_FALSE(t.wait("b", t0 + 1s));  // keys are separate
    t.success("a");
    CHECK_FALSE(t.wait("a", t0 + 1s));
}

TEST_CASE("failures are forgotten after a quiet spell", "[service][throttle]") {
    SignInThrottle t({0, 1s, 60s, 600s, 1000});
    for (int i = 0; i < 5; ++i) t.failure("a", t0);
    CHECK(*t.wait("a", t0) == 16s);
    t.failure("a", t0 + 601s);  // the count starts again
    CHECK(*t.wait("a", t0 + 601s) == 1s);
}

TEST_CASE("the throttle keeps its memory bounded", "[service][throttle]") {
    SignInThrottle t({0, 1s, 60s, 600s, 10});
    for (int i = 0; i < 50; ++i) t.failure("k" + std::to_string(i), t0 + std::chrono::seconds(i));
    // The newest key is still remembered.
    CHECK(t.wait("k49", t0 + 49s));
}
