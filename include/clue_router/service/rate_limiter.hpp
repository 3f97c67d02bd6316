#pragma once
// Per-key rate limits: a token bucket for each API key. A key may spend `burst` requests at
// once and earns `per_minute` / 60 tokens a second after that. Called after authentication,
// once per request, so a runaway partner system slows itself down without starving the
// others; unauthenticated traffic is bounded by the server's connection cap and timeouts
// instead, since it has no key to count against.
//
// Thread-safe; time is passed in (steady clock), so tests need no sleeping.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace clue_router::service {

struct RateLimit {
    int per_minute = 6000;  // sustained rate; 0 turns limiting off
    int burst = 600;        // the bucket's size
};

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RateLimiter(RateLimit limit) : limit_(limit) {}

    struct Decision {
        bool allowed = true;
        // When refused: whole seconds until a token is there (at least 1), for Retry-After.
        int retry_after_seconds = 0;
    };

    // Takes one token from the key's bucket, or says how long to wait for one.
    Decision take(const std::string& key_id, Clock::time_point now);

    // Buckets currently tracked (full ones are forgotten, so this stays at about the number
    // of keys active in the last burst / rate seconds).
    std::size_t tracked() const;

  private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    void forget_full_buckets(Clock::time_point now);

    RateLimit limit_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    Clock::time_point last_sweep_{};
};

}  // namespace clue_router::service
