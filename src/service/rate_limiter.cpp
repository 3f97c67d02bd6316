#include "clue_router/service/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace clue_router::service {

namespace {

constexpr auto kSweepEvery = std::chrono::seconds(60);

double refill(double tokens, double per_second, double burst,
              RateLimiter::Clock::duration elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    return std::min(burst, tokens + std::max(0.0, seconds) * per_second);
}

}  // namespace

RateLimiter::Decision RateLimiter::take(const std::string& key_id, Clock::time_point now) {
    if (limit_.per_minute <= 0) return {};
    const double per_second = limit_.per_minute / 60.0;
    const double burst = std::max(1, limit_.burst);
    std::lock_guard lock(mutex_);
    forget_full_buckets(now);
    auto [it, fresh] = buckets_.try_emplace(key_id, Bucket{burst, now});
    Bucket& b = it->second;
    if (!fresh) {
        b.tokens = refill(b.tokens, per_second, burst, now - b.updated);
        b.updated = std::max(b.updated, now);
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return {};
    }
    const double wait = (1.0 - b.tokens) / per_second;
    return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

std::size_t RateLimiter::tracked() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

void RateLimiter::forget_full_buckets(Clock::time_point now) {
    // A bucket that has refilled is the same as no bucket: drop it, so that the map holds
    // only keys that were busy lately, whatever the number of keys ever seen.
    if (now - last_sweep_ < kSweepEvery) return;
    last_sweep_ = now;
    const double per_second = limit_.per_minute / 60.0;
    const double burst = std::max(1, limit_.burst);
    std::erase_if(buckets_, [&](const auto& entry) {
        return refill(entry.second.tokens, per_second, burst, now - entry.second.updated) >= burst;
    });
}

}  // namespace clue_router::service
