#include "clue_router/service/address_rate_limiter.hpp"

#include <algorithm>

namespace clue_router::service {

std::string AddressRateLimiter::bucket_of(const domain::IpAddress& client) {
    const domain::IpAddress a = client.unmapped();
    if (!a.v6) return a.to_string();
    domain::IpAddress prefix = a;
    std::fill(prefix.bytes.begin() + 8, prefix.bytes.end(), std::uint8_t{0});
    return domain::IpNetwork{prefix, 64}.to_string();
}

RateLimiter::Decision AddressRateLimiter::take(const domain::IpAddress& client,
                                               RateLimiter::Clock::time_point now) {
    return buckets_.take(bucket_of(client), now);
}

}  // namespace clue_router::service
