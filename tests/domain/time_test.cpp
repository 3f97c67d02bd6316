#include <catch2/catch.hpp>

#include "clue_router/domain/time.hpp"

using namespace clue_router::domain;
using namespace std::chrono;

namespace {

Timestamp utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
    return Timestamp{sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} +
                     milliseconds{ms}};
}

}  // namespace

TEST_CASE("parse_rfc3339 reads offsets, Z and fractions", "[time][domain]") {
    CHECK(parse_rfc3339("2026-11-20T09:12:00+08:00") == utc(2026, 11, 20, 1, 12));
    CHECK(parse_rfc3339("2026-11-20T01:12:00Z") == utc(2026, 11, 20, 1, 12));
    CHECK(parse_rfc3339("2026-11-20t01:12:00z") == utc(2026, 11, 20, 1, 12));
    CHECK(parse_rfc3339("2026-11-20T01:12:00.5Z") == utc(2026, 11, 20, 1, 12, 0, 500));
    CHECK(parse_rfc3339("2026-11-20T01:12:00.123456Z") == utc(2026, 11, 20, 1, 12, 0, 123));
    CHECK(parse_rfc3339("2026-11-19T20:00:00-05:30") == utc(2026, 11, 20, 1, 30));
    // An offset that crosses midnight and a year boundary.
    CHECK(parse_rfc3339("2027-01-01T07:59:59+08:00") == utc(2026, 12, 31, 23, 59, 59));
    CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == utc(2024, 2, 29));
    CHECK(parse_rfc3339("1969-12-31T23:59:59.999Z") == utc(1969, 12, 31, 23, 59, 59, 999));
}

TEST_CASE("parse_rfc3339 rejects what is not RFC 3339", "[time][domain]") {
    for (const char* bad : {
             "",
             "2026-11-20",
             "2026-11-20T09:12:00",         // no offset
             "2026-11-20 09:12:00Z",        // space separator
             "2026-11-20T09:12Z",           // no seconds
             "2026-02-30T00:00:00Z",        // impossible date
             "2023-02-29T00:00:00Z",        // not a leap year
             "2026-13-01T00:00:00Z",        // month 13
             "2026-11-20T24:00:00Z",        // hour 24
             "2026-11-20T23:60:00Z",        // minute 60
             "2026-11-20T23:59:60Z",        // leap second
             "2026-11-20T09:12:00+24:00",   // offset beyond 23:59
             "2026-11-20T09:12:00+08:60",   // offset minutes 60
             "2026-11-20T09:12:00+0800",    // offset without colon
             "2026-11-20T09:12:00.Z",       // empty fraction
             "2026-11-20T09:12:00Zjunk",    // trailing text
             "26-11-20T09:12:00Z",          // two-digit year
             "2026-1-20T09:12:00Z",         // one-digit month
             "2026-11-20T09:12:00+08:00 ",  // trailing space
             "2026-11-2OT09:12:00Z",        // letter O for zero
         }) {
        INFO(bad);
        CHECK_FALSE(parse_rfc3339(bad).has_value());
    }
}

TEST_CASE("format_rfc3339 writes UTC with milliseconds", "[time][domain]") {
    CHECK(format_rfc3339(utc(2026, 11, 20, 1, 12)) == "2026-11-20T01:12:00.000Z");
    CHECK(format_rfc3339(utc(2026, 11, 20, 1, 12, 3, 45)) == "2026-11-20T01:12:03.045Z");
    CHECK(format_rfc3339(utc(1969, 12, 31, 23, 59, 59, 999)) == "1969-12-31T23:59:59.999Z");
    CHECK(format_rfc3339(Timestamp{}) == "1970-01-01T00:00:00.000Z");
    const auto t = parse_rfc3339("2026-11-20T09:12:00.250+08:00");
    REQUIRE(t);
    CHECK(format_rfc3339(*t) == "2026-11-20T01:12:00.250Z");
    CHECK(parse_rfc3339(format_rfc3339(*t)) == t);
}

TEST_CASE("format_rfc3339 covers the four-digit years and round-trips", "[time][domain]") {
    CHECK(format_rfc3339(utc(0, 1, 1)) == "0000-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(utc(9999, 12, 31, 23, 59, 59, 999)) == "9999-12-31T23:59:59.999Z");
    CHECK(format_rfc3339(utc(2028, 2, 29, 7, 8, 9, 10)) == "2028-02-29T07:08:09.010Z");
    // Outside four digits the text is printf's, not RFC 3339, and is never parsed back.
    CHECK(format_rfc3339(utc(10000, 1, 1)) == "10000-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(utc(-1, 12, 31)) == "-001-12-31T00:00:00.000Z");
    // Every millisecond pattern and many days: what is written is read back unchanged.
    for (std::int64_t ms = -5'000'000'000'000; ms < 5'000'000'000'000; ms += 7'777'777'777) {
        const Timestamp t{milliseconds{ms}};
        INFO(ms);
        REQUIRE(parse_rfc3339(format_rfc3339(t)) == t);
    }
}

TEST_CASE("civil dates", "[time][domain]") {
    CHECK(is_valid_civil_date(2024, 2, 29));
    CHECK(is_valid_civil_date(2000, 2, 29));
    CHECK_FALSE(is_valid_civil_date(1900, 2, 29));
    CHECK_FALSE(is_valid_civil_date(2023, 2, 29));
    CHECK_FALSE(is_valid_civil_date(1981, 2, 30));
    CHECK_FALSE(is_valid_civil_date(2026, 4, 31));
    CHECK_FALSE(is_valid_civil_date(2026, 0, 1));
    CHECK_FALSE(is_valid_civil_date(2026, 1, 0));
    CHECK(is_valid_civil_date(2026, 12, 31));

    const CivilDate d = civil_date_of(utc(2026, 11, 20, 23, 59, 59, 999));
    CHECK(d.year == 2026);
    CHECK(d.month == 11u);
    CHECK(d.day == 20u);
    const CivilDate before_epoch = civil_date_of(utc(1969, 12, 31, 12));
    CHECK(before_epoch.year == 1969);
    CHECK(before_epoch.month == 12u);
    CHECK(before_epoch.day == 31u);
}

TEST_CASE("age_on counts whole years", "[time][domain]") {
    CHECK(age_on({1981, 3, 12}, {2026, 11, 20}) == 45);
    CHECK(age_on({1981, 3, 12}, {2026, 3, 11}) == 44);
    CHECK(age_on({1981, 3, 12}, {2026, 3, 12}) == 45);
    CHECK(age_on({1981, 12, 31}, {2026, 1, 1}) == 44);
    // Born on 29 February: a year older on 1 March in common years.
    CHECK(age_on({2000, 2, 29}, {2023, 2, 28}) == 22);
    CHECK(age_on({2000, 2, 29}, {2023, 3, 1}) == 23);
    CHECK(age_on({2000, 2, 29}, {2024, 2, 29}) == 24);
    CHECK(age_on({2026, 11, 20}, {2026, 11, 20}) == 0);
}
