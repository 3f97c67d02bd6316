#include "clue_router/domain/calendar_blocks.hpp"

#include <algorithm>
#include <cstdio>

namespace clue_router::domain {
namespace {

using std::chrono::days;
using std::chrono::year_month;
using std::chrono::year_month_day;

LocalDay first_of(year_month ym) {
    return LocalDay{ym / std::chrono::day{1}};
}

// The largest block of the hierarchy that begins on d and ends no later than limit.
DayRange largest_block_at(LocalDay d, LocalDay limit) {
    const year_month_day ymd{d};
    const year_month ym{ymd.year(), ymd.month()};
    const auto month = static_cast<unsigned>(ymd.month());
    const auto day = static_cast<unsigned>(ymd.day());
    if (day == 1) {
        // Years, halves, quarters, months: a block of n months begins in a month m with
        // (m - 1) divisible by n.
        for (const int months : {12, 6, 3, 1}) {
            if ((month - 1) % static_cast<unsigned>(months) != 0) continue;
            const LocalDay end = first_of(ym + std::chrono::months{months});
            if (end <= limit) return {d, end};
        }
    }
    const LocalDay month_end = first_of(ym + std::chrono::months{1});
    for (const unsigned run : {16u, 8u, 4u, 2u}) {
        if ((day - 1) % run != 0) continue;
        const LocalDay end = std::min(d + days{run}, month_end);
        if (end <= limit) return {d, end};
    }
    return {d, d + days{1}};
}

}  // namespace

LocalDay local_day_of(Timestamp t, std::chrono::minutes local_offset) {
    return std::chrono::floor<days>(t + local_offset);
}

Timestamp start_of_local_day(LocalDay d, std::chrono::minutes local_offset) {
    return Timestamp{d} - local_offset;
}

std::string format_local_day(LocalDay d) {
    const year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

LocalDay week_of(LocalDay d) {
    // 1970-01-01 was a Thursday; weekday::iso_encoding is 1 for Monday … 7 for Sunday.
    const std::chrono::weekday wd{d};
    return d - days{wd.iso_encoding() - 1};
}

LocalDay month_of(LocalDay d) {
    const year_month_day ymd{d};
    return first_of(ymd.year() / ymd.month());
}

DayRange week_starting(LocalDay start) {
    return {start, start + days{7}};
}

DayRange month_starting(LocalDay start) {
    const year_month_day ymd{start};
    return {start, first_of(ymd.year() / ymd.month() + std::chrono::months{1})};
}

std::vector<DayRange> calendar_blocks(DayRange window) {
    std::vector<DayRange> out;
    for (LocalDay d = window.first; d < window.end;) {
        out.push_back(largest_block_at(d, window.end));
        d = out.back().end;
    }
    return out;
}

}  // namespace clue_router::domain
