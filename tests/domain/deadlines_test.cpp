#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/deadlines.hpp"

using namespace clue_router::domain;

namespace {

Timestamp t(const char* text) {
    auto parsed = parse_rfc3339(text);
    REQUIRE(parsed);
    return *parsed;
}

DeadlinePolicy policy_2026() {
    auto p = parse_deadline_policy(nlohmann::json::parse(R"({
        "holidays": ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07",
                     "2026-10-03"],
        "working_weekends": ["2026-10-10"]})"));
    REQUIRE(p);
    return *p;
}

}  // namespace

TEST_CASE("deadlines: the defaults match practice", "[domain][deadlines]") {
    const auto p = default_deadline_policy();
    // Friday 09:12 in Beijing: five working days are Monday to Friday of the next week, and
    // the deadline is the end of that Friday, local time.
    const auto from = t("2026-11-20T09:12:00+08:00");
    auto due = deadlines_for(p, Priority::normal, from);
    CHECK(format_rfc3339(due.accept_by) == "2026-11-27T16:00:00.000Z");
    CHECK(format_rfc3339(due.close_by) == "2027-02-20T16:00:00.000Z");
    // Urgent: a day, counted in hours, weekend or not.
    due = deadlines_for(p, Priority::urgent, from);
    CHECK(due.accept_by == from + std::chrono::hours(24));
    CHECK(deadlines_for(p, Priority::low, from).accept_by ==
          deadlines_for(p, Priority::high, from).accept_by);
}

TEST_CASE("deadlines: the local day decides, not the UTC one", "[domain][deadlines]") {
    const auto p = default_deadline_policy();
    // 23:30 on Sunday in Beijing is still Sunday there (15:30Z): Monday is working day 1.
    CHECK(format_rfc3339(deadline_after(p, {DeadlineSpan::Unit::working_days, 1},
                                        t("2026-11-22T23:30:00+08:00"))) ==
          "2026-11-23T16:00:00.000Z");
    // 00:30 on Monday in Beijing (Sunday 16:30Z): Tuesday is working day 1.
    CHECK(format_rfc3339(deadline_after(p, {DeadlineSpan::Unit::working_days, 1},
                                        t("2026-11-23T00:30:00+08:00"))) ==
          "2026-11-24T16:00:00.000Z");
}

TEST_CASE("deadlines: holidays are skipped and make-up working weekends count",
          "[domain][deadlines]") {
    const auto p = policy_2026();
    // Handed over on Wednesday 30 September 2026: 1-7 October are the National Day holiday
    // (the 3rd and 4th a weekend anyway), Saturday the 10th is worked.
    const auto from = t("2026-09-30T10:00:00+08:00");
    // Working days: Oct 8 (Thu), 9 (Fri), 10 (Sat, make-up), 12 (Mon), 13 (Tue).
    CHECK(format_rfc3339(deadline_after(p, {DeadlineSpan::Unit::working_days, 5}, from)) ==
          "2026-10-13T16:00:00.000Z");
    CHECK(p.is_working_day(std::chrono::sys_days{std::chrono::year{2026} / 10 / 10}));
    CHECK_FALSE(p.is_working_day(std::chrono::sys_days{std::chrono::year{2026} / 10 / 11}));
    CHECK_FALSE(p.is_working_day(std::chrono::sys_days{std::chrono::year{2026} / 10 / 2}));
}

TEST_CASE("deadlines: months end on the same local day, clamped to the month's end",
          "[domain][deadlines]") {
    const auto p = default_deadline_policy();
    CHECK(format_rfc3339(
              deadline_after(p, {DeadlineSpan::Unit::months, 3}, t("2026-11-30T10:00:00+08:00"))) ==
          "2027-02-28T16:00:00.000Z");
    CHECK(format_rfc3339(
              deadline_after(p, {DeadlineSpan::Unit::months, 1}, t("2027-12-31T10:00:00+08:00"))) ==
          "2028-01-31T16:00:00.000Z");
}

TEST_CASE("deadlines: bad policies are refused naming the member", "[domain][deadlines]") {
    auto refused = [](const char* text, const std::string& pointer) {
        auto r = parse_deadline_policy(nlohmann::json::parse(text));
        REQUIRE_FALSE(r);
        INFO(r.error());
        CHECK(r.error().find(pointer) != std::string::npos);
    };
    refused(R"({"accept": {"high": {"weeks": 1}}})", "/accept/high");
    refused(R"({"accept": {"soon": {"hours": 1}}})", "/accept/soon");
    refused(R"({"close": {"low": {"months": 0}}})", "/close/low/months");
    refused(R"({"holidays": ["2026-13-01"]})", "/holidays/0");
    refused(R"({"working_weekends": ["2026-10-09"]})", "/working_weekends");
    refused(R"({"local_offset_minutes": 9999})", "/local_offset_minutes");
    refused(R"({"sla": 1})", "/sla");
    // The repository's file loads.
}
