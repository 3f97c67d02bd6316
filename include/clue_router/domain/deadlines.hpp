#pragma once
// Deadlines for a ticket, from its priority: one to accept (or reject) it and one to close
// it with an outcome. Spans are counted in hours, in working days (weekends and public
// holidays skipped, the make-up working weekends of the holiday arrangements counted) or in
// calendar months, on the local calendar where the agencies work (China Standard Time by
// default). Pure: the caller passes the moment a ticket was handed over.
//
// Configured in config/deadlines.json:
//   {"local_offset_minutes": 480,
//    "accept": {"urgent": {"hours": 24}, "high": {"working_days": 5}, …},
//    "close":  {"urgent": {"months": 3}, …},
//    "holidays": ["2026-01-01", …], "working_weekends": ["2026-01-04", …]}
#include <array>
#include <chrono>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

struct DeadlineSpan {
    enum class Unit { hours, working_days, months };
    Unit unit = Unit::working_days;
    int amount = 5;
    bool operator==(const DeadlineSpan&) const = default;
};

struct DeadlinePolicy {
    std::chrono::minutes local_offset{8 * 60};
    // Indexed by Priority (low, normal, high, urgent).
    std::array<DeadlineSpan, 4> accept{};
    std::array<DeadlineSpan, 4> close{};
    std::set<std::chrono::sys_days> holidays;          // weekdays that are not worked
    std::set<std::chrono::sys_days> working_weekends;  // Saturdays or Sundays that are

    bool is_working_day(std::chrono::sys_days day) const;
    const DeadlineSpan& accept_span(Priority p) const { return accept[static_cast<int>(p)]; }
    const DeadlineSpan& close_span(Priority p) const { return close[static_cast<int>(p)]; }
};

// Practice in the campaign: urgent accepted within a day, everything else within five
// working days, a result within three months. No holidays.
DeadlinePolicy default_deadline_policy();

// hours: `from` plus the hours. working_days: the end (local midnight) of the N-th working
// day after the local day of `from` — the day of hand-over does not count. months: the end
// of the same local day N months later (the 31st becomes the month's last day).
Timestamp deadline_after(const DeadlinePolicy& policy, const DeadlineSpan& span, Timestamp from);

struct TicketDeadlines {
    Timestamp accept_by;
    Timestamp close_by;
};
TicketDeadlines deadlines_for(const DeadlinePolicy& policy, Priority priority, Timestamp from);

// Members not given keep the defaults; errors name the member ("/accept/high: …").
Expected<DeadlinePolicy, std::string> parse_deadline_policy(const nlohmann::json& doc);

}  // namespace clue_router::domain
