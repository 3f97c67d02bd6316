#include "clue_router/service/address_rate_limiter.hpp"

#include <catch2/catch.hpp>

using namespace clue_router;
using namespace clue_router::service;
using namespace std::chrono_literals;

namespace {

const RateLimiter::Clock::time_point t0 = RateLimiter::Clock::time_point{} + 1h;

domain::IpAddress ip(std::string_view text) {
    return *domain::parse_ip_address(text);
}

}  // namespace

TEST_CASE("addresses are counted as an attacker could spend them", "[service][rate_limit]") {
    CHECK(AddressRateLimiter::bucket_of(ip("198.51.100.7")) == "198.51.100.7");
    CHECK(AddressRateLimiter::bucket_of(ip("::ffff:198.51.100.7")) == "198.51.100.7");
    CHECK(AddressRateLimiter::bucket_of(ip("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
    CHECK(AddressRateLimiter::bucket_of(ip("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64");
    CHECK(AddressRateLimiter::bucket_of(ip("2001:db8:1:3::1")) == "2001:db8:1:3::/64");
}

TEST_CASE("hardening 7: each client address has its own bucket",
          "[service][rate_limit][hardening]") {
    AddressRateLimiter limiter({/*per_minute=*/60, /*burst=*/2});
    CHECK(limiter.take(ip("198.51.100.7"), t0).allowed);
    CHECK(limiter.take(ip("::ffff:198.51.100.7"), t0).allowed);  // the same client
    const auto refused = limiter.take(ip("198.51.100.7"), t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after_seconds == 1);
    CHECK(limiter.take(ip("198.51.100.8"), t0).allowed);
    // One host of a /64 cannot escape by changing its interface identifier.
    CHECK(limiter.take(ip("2001:db8::1"), t0).allowed);
    CHECK(limiter.take(ip("2001:db8::2"), t0).allowed);
    CHECK_FALSE(limiter.take(ip("2001:db8::3"), t0).allowed);
    CHECK(limiter.take(ip("198.51.100.7"), t0 + 1s).allowed);
}
