#pragma once
// Time as a value. The domain never reads a clock: callers pass "now" in (DESIGN §6).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Parses an RFC 3339 date-time ("2026-11-20T09:12:00+08:00", "…Z", optional fraction).
// Returns nullopt when the text is not a valid RFC 3339 date-time (including impossible
// dates such as 2026-02-30 and offsets beyond ±23:59).
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// Formats as RFC 3339 in UTC with milliseconds: "2026-11-20T01:12:00.000Z".
std::string format_rfc3339(Timestamp t);

// Civil date helpers used by validators and screening (age from a birth date).
struct CivilDate {
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
};
bool is_valid_civil_date(int year, unsigned month, unsigned day);
CivilDate civil_date_of(Timestamp t);
// Whole years between birth and on (the usual "age" rule: a birthday not yet reached this
// year does not count).
int age_on(CivilDate birth, CivilDate on);

}  // namespace clue_router::domain
