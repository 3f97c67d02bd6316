#pragma once
// Rate limits per client address, for requests that have no key to count against: inbound
// webhooks (signed, not keyed), health checks, requests whose key fails, and sign-in. Each
// address has a token bucket (service/rate_limiter), so a flood from one address cannot buy
// CPU that every other client pays for.
//
// Addresses are grouped as an attacker can spend them: an IPv4 address is one bucket, an
// IPv6 address shares its bucket with its /64 (the smallest network a site is given, so one
// host can take any address in it), and an IPv4-mapped IPv6 address is its IPv4 address.
//
// Use: one instance per budget (say, unauthenticated requests; failed sign-ins), then
//   if (auto d = limiter.take(ex.client_address(), RateLimiter::Clock::now()); !d.allowed)
//       → 429 with Retry-After: d.retry_after_seconds
// http/handler_support's admit_client_address does exactly that for a handler.
//
// Thread-safe; time is passed in.
#include <string>

#include "clue_router/domain/ip_address.hpp"
#include "clue_router/service/rate_limiter.hpp"

namespace clue_router::service {

class AddressRateLimiter {
  public:
    explicit AddressRateLimiter(RateLimit limit) : buckets_(limit) {}

    RateLimiter::Decision take(const domain::IpAddress& client, RateLimiter::Clock::time_point now);

    // The bucket an address counts against: "198.51.100.7", "2001:db8:1:2::/64".
    static std::string bucket_of(const domain::IpAddress& client);

    std::size_t tracked() const { return buckets_.tracked(); }

  private:
    RateLimiter buckets_;
};

}  // namespace clue_router::service
