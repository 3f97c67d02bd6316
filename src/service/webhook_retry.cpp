#include "clue_router/service/webhook_retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace clue_router::service {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

std::vector<seconds> default_retry_schedule() {
    // 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h: about 71.6 hours in all.
    return {seconds(5), minutes(5), minutes(30), hours(2), hours(5),
            hours(10),  hours(14),  hours(20),   hours(20)};
}

std::optional<milliseconds> retry_delay(const std::vector<seconds>& schedule, int failed_attempts,
                                        std::optional<seconds> retry_after, double jitter) {
    if (failed_attempts < 1 || static_cast<std::size_t>(failed_attempts) > schedule.size()) {
        return std::nullopt;
    }
    const auto base = milliseconds(schedule[static_cast<std::size_t>(failed_attempts - 1)]);
    const double scale = 0.8 + 0.4 * std::clamp(jitter, 0.0, 1.0);
    auto delay = milliseconds(static_cast<std::int64_t>(static_cast<double>(base.count()) * scale));
    if (retry_after)
        delay = std::max(delay, milliseconds(std::min(*retry_after, seconds(hours(24)))));
    return delay;
}

std::optional<seconds> parse_retry_after(std::string_view value, domain::Timestamp now) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9) return seconds(hours(24));
        std::int64_t n = 0;
        std::from_chars(value.data(), value.data() + value.size(), n);
        return seconds(n);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (value.size() != 29 || value.substr(25) != " GMT") return std::nullopt;
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::string text(value);
    int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
    char month[4] = {};
    if (std::sscanf(text.c_str() + 5, "%2d %3s %4d %2d:%2d:%2d", &day, month, &year, &hh, &mm,
                    &ss) != 6) {
        return std::nullopt;
    }
    unsigned m = 0;
    for (unsigned i = 0; i < 12; ++i) {
        if (std::strcmp(month, kMonths[i]) == 0) m = i + 1;
    }
    if (m == 0) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(m),
                                          std::chrono::day(static_cast<unsigned>(day))};
    if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    const auto at = std::chrono::sys_days(ymd) + hours(hh) + minutes(mm) + seconds(ss);
    const auto diff = std::chrono::duration_cast<seconds>(at - now);
    return std::max(diff, seconds(0));
}

}  // namespace clue_router::service
