#pragma once
// Whole days of the service's local calendar, and the fixed calendar blocks that progress
// figures are built from. Why figures are sums of blocks is explained in domain/cell_key.hpp;
// this file only says what the blocks are.
#include <chrono>
#include <string>
#include <vector>

#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

// A date of the local calendar (UTC + local_offset_minutes; China has no daylight saving, so
// a fixed offset is the whole story), as the days since 1970-01-01 of that calendar.
using LocalDay = std::chrono::sys_days;

LocalDay local_day_of(Timestamp t, std::chrono::minutes local_offset);
// The first instant of a local day, in UTC.
Timestamp start_of_local_day(LocalDay d, std::chrono::minutes local_offset);
// "YYYY-MM-DD".
std::string format_local_day(LocalDay d);

// The whole days [first, end).
struct DayRange {
    LocalDay first{};
    LocalDay end{};

    int days() const { return static_cast<int>((end - first).count()); }
    bool contains(LocalDay d) const { return first <= d && d < end; }
    bool operator==(const DayRange&) const = default;
};

// The Monday that begins d's week, and the first day of d's month.
LocalDay week_of(LocalDay d);
LocalDay month_of(LocalDay d);
// The week or month that begins on `start` (a Monday, a 1st), as days.
DayRange week_starting(LocalDay start);
DayRange month_starting(LocalDay start);

// The blocks of the hierarchy, coarsest first: years; halves; quarters; months; then within
// each month runs of 16, 8, 4 and 2 days counted from the 1st (the last run of each size
// ends with the month: 17–31 is a run of 16); then single days. Each block of one level is a
// union of blocks of the next, and the same block always covers the same days.
//
// calendar_blocks cuts a window into the fewest of them by taking, at each day, the largest
// block that begins there and ends inside the window. A calendar month, quarter or year is
// one block; any window of up to 30 days is at most eight (five on average), any window of up
// to 731 days at most seventeen.
std::vector<DayRange> calendar_blocks(DayRange window);

}  // namespace clue_router::domain
