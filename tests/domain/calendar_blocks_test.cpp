// Local days and the calendar blocks the figures are summed from: which blocks exist, how a
// window is cut into them, and how few a window needs.
#include <catch2/catch.hpp>

#include "clue_router/domain/calendar_blocks.hpp"

using namespace clue_router::domain;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::months;
using std::chrono::year_month_day;

namespace {

LocalDay day(int y, unsigned m, unsigned d) {
    return LocalDay{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

LocalDay first_of_next_month(LocalDay d) {
    const year_month_day ymd{d};
    return LocalDay{(ymd.year() / ymd.month() + months{1}) / std::chrono::day{1}};
}

// Whether r is a block of the hierarchy: n whole months from the 1st of a month m with
// (m - 1) divisible by n (n = 12, 6, 3, 1), or a run of 16, 8, 4, 2 or 1 days from a day d of
// a month with (d - 1) divisible by the run, cut at the month's end.
bool is_block(DayRange r) {
    const year_month_day a{r.first};
    const auto m = static_cast<unsigned>(a.month());
    const auto d = static_cast<unsigned>(a.day());
    if (d == 1) {
        for (int n : {12, 6, 3, 1}) {
            if ((m - 1) % static_cast<unsigned>(n) == 0 &&
                r.end == LocalDay{(a.year() / a.month() + months{n}) / std::chrono::day{1}}) {
                return true;
            }
        }
    }
    for (unsigned run : {16u, 8u, 4u, 2u, 1u}) {
        if ((d - 1) % run == 0 &&
            r.end == std::min(r.first + days{run}, first_of_next_month(r.first))) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("calendar: local days follow the configured offset", "[domain][stats][calendar]") {
    const minutes china{480};
    // 16:00 UTC is midnight in Beijing: the next local day begins.
    CHECK(local_day_of(*parse_rfc3339("2026-11-19T15:59:59.999Z"), china) == day(2026, 11, 19));
    CHECK(local_day_of(*parse_rfc3339("2026-11-19T16:00:00Z"), china) == day(2026, 11, 20));
    CHECK(local_day_of(*parse_rfc3339("2026-11-19T16:00:00Z"), minutes{0}) == day(2026, 11, 19));
    CHECK(format_rfc3339(start_of_local_day(day(2026, 11, 20), china)) ==
          "2026-11-19T16:00:00.000Z");
    CHECK(format_local_day(day(2026, 1, 5)) == "2026-01-05");
    // Friday 20 November 2026: its week began on Monday the 16th.
    CHECK(week_of(day(2026, 11, 20)) == day(2026, 11, 16));
    CHECK(week_of(day(2026, 11, 16)) == day(2026, 11, 16));
    CHECK(week_of(day(2026, 11, 22)) == day(2026, 11, 16));
    CHECK(month_of(day(2026, 11, 20)) == day(2026, 11, 1));
    CHECK(month_starting(day(2024, 2, 1)).days() == 29);
    CHECK(week_starting(day(2026, 11, 16)).end == day(2026, 11, 23));
}

TEST_CASE("calendar: a month, a quarter, a year are one block each", "[domain][stats][calendar]") {
    CHECK(calendar_blocks({day(2026, 11, 1), day(2026, 12, 1)}) ==
          std::vector<DayRange>{{day(2026, 11, 1), day(2026, 12, 1)}});
    CHECK(calendar_blocks({day(2026, 10, 1), day(2027, 1, 1)}).size() == 1);
    CHECK(calendar_blocks({day(2026, 1, 1), day(2027, 1, 1)}).size() == 1);
    // A quarter that is not a calendar quarter is its months.
    CHECK(calendar_blocks({day(2026, 11, 1), day(2027, 2, 1)}).size() == 3);
    // 5 November to 4 December: runs of the November days, then the December ones.
    CHECK(calendar_blocks({day(2026, 11, 5), day(2026, 12, 5)}) ==
          std::vector<DayRange>{{day(2026, 11, 5), day(2026, 11, 9)},
                                {day(2026, 11, 9), day(2026, 11, 17)},
                                {day(2026, 11, 17), day(2026, 12, 1)},
                                {day(2026, 12, 1), day(2026, 12, 5)}});
    CHECK(calendar_blocks({day(2026, 11, 5), day(2026, 11, 5)}).empty());
}

TEST_CASE("calendar: every window is cut into blocks of the fixed hierarchy, and few of them",
          "[domain][stats][calendar]") {
    // Every start over four years (a leap year among them) with lengths up to 731 days, at a
    // stride that still visits every residue of every month length.
    std::size_t most = 0;
    std::size_t most_within_30 = 0;
    for (LocalDay first = day(2023, 1, 1); first < day(2027, 1, 1); first += days{3}) {
        for (int length = 1; length <= 731; length += (length < 64 ? 1 : 7)) {
            const DayRange window{first, first + days{length}};
            const auto blocks = calendar_blocks(window);
            REQUIRE_FALSE(blocks.empty());
            CHECK(blocks.front().first == window.first);
            CHECK(blocks.back().end == window.end);
            for (std::size_t i = 0; i < blocks.size(); ++i) {
                if (i > 0 && blocks[i].first != blocks[i - 1].end) FAIL("blocks leave a gap");
                if (!is_block(blocks[i])) {
                    FAIL("not a block of the hierarchy: " << format_local_day(blocks[i].first)
                                                          << " to "
                                                          << format_local_day(blocks[i].end));
                }
            }
            most = std::max(most, blocks.size());
            if (length <= 30) most_within_30 = std::max(most_within_30, blocks.size());
        }
    }
    // What docs/api.md promises about how many blocks' noise a window's figure carries.
    CHECK(most <= 17);
    CHECK(most_within_30 <= 8);
}
