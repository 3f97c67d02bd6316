#include "clue_router/service/sign_in_throttle.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace clue_router::service {

std::chrono::seconds throttle_delay(int failures, const ThrottleOptions& o) {
    const int over = failures - o.free_failures;
    if (over <= 0) return std::chrono::seconds(0);
    // Doubling, without overflow: past 30 doublings anything is over the cap.
    if (over > 30) return o.max_delay;
    const auto delay = o.base_delay * (std::int64_t{1} << (over - 1));
    return std::min<std::chrono::seconds>(delay, o.max_delay);
}

std::optional<std::chrono::seconds> SignInThrottle::wait(const std::string& key,
                                                         domain::Timestamp now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    const auto until = it->second.last_failure + throttle_delay(it->second.failures, options_);
    if (now >= until) return std::nullopt;
    // Rounded up: "Retry-After: 0" would invite an immediate retry that is still refused.
    return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void SignInThrottle::failure(const std::string& key, domain::Timestamp now) {
    std::lock_guard lock(mutex_);
    auto& e = entries_[key];
    if (e.failures > 0 && now - e.last_failure >= options_.forget_after) e.failures = 0;
    e.failures = std::min(e.failures + 1, 1000);
    e.last_failure = now;
    if (entries_.size() > options_.max_tracked) prune(now);
}

void SignInThrottle::success(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
}

void SignInThrottle::prune(domain::Timestamp now) {
    std::erase_if(entries_, [&](const auto& kv) {
        return now - kv.second.last_failure >= options_.forget_after;
    });
    // Still too many (a flood of fresh names): forget the quietest half.
    if (entries_.size() > options_.max_tracked) {
        std::vector<domain::Timestamp> times;
        times.reserve(entries_.size());
        for (const auto& kv : entries_) times.push_back(kv.second.last_failure);
        auto mid = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
        std::nth_element(times.begin(), mid, times.end());
        const auto cutoff = *mid;
        std::erase_if(entries_, [&](const auto& kv) { return kv.second.last_failure < cutoff; });
    }
}

}  // namespace clue_router::service
