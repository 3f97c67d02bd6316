#pragma once
// When to try a failed webhook delivery again: the schedule from configuration (about three
// days by default), with jitter so that many deliveries failing together do not come back
// together, and the receiver's Retry-After honoured. Pure functions: the dispatcher passes
// the time and the random number in.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "clue_router/domain/time.hpp"

namespace clue_router::service {

// Delays before the 2nd, 3rd, … attempt: after schedule.size() failed retries the delivery
// is dead-lettered. The default spreads 9 retries over about 72 hours.
std::vector<std::chrono::seconds> default_retry_schedule();

// The delay after `failed_attempts` (≥ 1) failures, or nullopt when the schedule is spent.
// jitter is uniform in [0, 1): the delay is scaled by 0.8–1.2. A Retry-After longer than
// the delay wins, up to 24 hours.
std::optional<std::chrono::milliseconds> retry_delay(
    const std::vector<std::chrono::seconds>& schedule, int failed_attempts,
    std::optional<std::chrono::seconds> retry_after, double jitter);

// Retry-After as seconds ("120") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT").
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      domain::Timestamp now);

}  // namespace clue_router::service
