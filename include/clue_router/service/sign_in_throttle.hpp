#pragma once
// Sign-in throttling (issue 15): per account and per client address, each failure past a few
// free ones doubles the wait before the next try is even looked at (1 s, 2 s, 4 s … up to a
// cap). A success clears an account's count; an address's count is forgotten only after a
// quiet spell, so one good account does not buy an address more guesses at others. Time is
// the service Clock's, passed in, so tests move it. In memory: a restart forgets, which costs
// an attacker a restart of the service he cannot cause.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "clue_router/domain/time.hpp"

namespace clue_router::service {

struct ThrottleOptions {
    int free_failures = 3;  // failures allowed before any wait
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{15 * 60};
    // A key with no failure for this long is forgotten.
    std::chrono::seconds forget_after{60 * 60};
    std::size_t max_tracked = 100'000;  // beyond it, the oldest entries go first
};

// The wait after `failures` failures: none up to free_failures, then base, 2 × base, … ≤ max.
std::chrono::seconds throttle_delay(int failures, const ThrottleOptions& options);

class SignInThrottle {
  public:
    explicit SignInThrottle(ThrottleOptions options = {}) : options_(options) {}

    // How long the key must still wait at `now` before a try is judged; nullopt: it may try.
    std::optional<std::chrono::seconds> wait(const std::string& key, domain::Timestamp now);
    void failure(const std::string& key, domain::Timestamp now);
    void success(const std::string& key);

  private:
    struct Entry {
        int failures = 0;
        domain::Timestamp last_failure{};
    };
    void prune(domain::Timestamp now);

    ThrottleOptions options_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace clue_router::service
