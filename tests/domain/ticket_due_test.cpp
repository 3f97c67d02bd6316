// Time left on a ticket in working days, on the deadline calendar (domain/ticket_due).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/ticket_due.hpp"

using namespace clue_router::domain;

namespace {

Timestamp t(const char* text) {
    auto parsed = parse_rfc3339(text);
    REQUIRE(parsed);
    return *parsed;
}

// National Day 2026: 1–7 October off, Saturday 10 October worked.
DeadlinePolicy national_day_2026() {
    auto p = parse_deadline_policy(nlohmann::json::parse(R"({
        "holidays": ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
        "working_weekends": ["2026-10-10"]})"));
    REQUIRE(p);
    return *p;
}

Ticket pending_from(const DeadlinePolicy& p, Timestamp from) {
    Ticket ticket;
    ticket.status = TicketStatus::pending;
    const auto due = deadlines_for(p, Priority::normal, from);
    ticket.accept_by = due.accept_by;
    ticket.close_by = due.close_by;
    return ticket;
}

}  // namespace

TEST_CASE("time left: five working days at hand-over, the holiday not counted",
          "[domain][deadlines]") {
    const auto p = national_day_2026();
    // Handed over on Tuesday 29 September: Wednesday 30, Thursday 8, Friday 9, Saturday 10
    // (worked) and Monday 12 October are the five working days.
    const auto ticket = pending_from(p, t("2026-09-29T10:00:00+08:00"));
    CHECK(format_rfc3339(*ticket.accept_by) == "2026-10-12T16:00:00.000Z");

    auto due = due_of(p, ticket, t("2026-09-29T10:00:00+08:00"));
    REQUIRE(due);
    CHECK(due->deadline == TicketDue::Deadline::accept);
    CHECK_FALSE(due->passed);
    CHECK(due->working_days == 5);
    // Over the holiday nothing is used up.
    CHECK(due_of(p, ticket, t("2026-10-01T09:00:00+08:00"))->working_days == 4);
    CHECK(due_of(p, ticket, t("2026-10-07T23:00:00+08:00"))->working_days == 4);
    // The last day itself: nothing after today, still on time until midnight.
    due = due_of(p, ticket, t("2026-10-12T23:59:00+08:00"));
    CHECK_FALSE(due->passed);
    CHECK(due->working_days == 0);
    // Passed at midnight; overdue by the working days since, the weekend not counted.
    due = due_of(p, ticket, t("2026-10-13T00:00:00+08:00"));
    CHECK(due->passed);
    CHECK(due->working_days == 1);
    CHECK(due_of(p, ticket, t("2026-10-18T12:00:00+08:00"))->working_days == 4);
    CHECK(to_json(*due) == nlohmann::json::parse(R"({"deadline": "accept",
        "at": "2026-10-12T16:00:00.000Z", "passed": true, "working_days_overdue": 1})"));
}

TEST_CASE("time left: hours deadlines passed on the same day count zero working days",
          "[domain][deadlines]") {
    const auto p = national_day_2026();
    Ticket urgent;
    urgent.status = TicketStatus::pending;
    urgent.accept_by = t("2026-11-24T15:00:00+08:00");
    auto due = due_of(p, urgent, t("2026-11-24T09:00:00+08:00"));
    CHECK(due->working_days == 0);
    CHECK(to_json(*due)["working_days_left"] == 0);
    due = due_of(p, urgent, t("2026-11-24T16:00:00+08:00"));
    CHECK(due->passed);
    CHECK(due->working_days == 0);
}

TEST_CASE("time left: the close deadline once accepted, none once finished",
          "[domain][deadlines]") {
    const auto p = national_day_2026();
    auto ticket = pending_from(p, t("2026-09-29T10:00:00+08:00"));
    for (auto status : {TicketStatus::accepted, TicketStatus::in_progress, TicketStatus::on_hold}) {
        ticket.status = status;
        const auto due = due_of(p, ticket, t("2026-09-29T11:00:00+08:00"));
        REQUIRE(due);
        CHECK(due->deadline == TicketDue::Deadline::close);
        CHECK(due->at == *ticket.close_by);
    }
    for (auto status : {TicketStatus::closed, TicketStatus::rejected, TicketStatus::cancelled}) {
        ticket.status = status;
        CHECK_FALSE(due_of(p, ticket, t("2026-09-29T11:00:00+08:00")));
    }
    ticket.status = TicketStatus::pending;
    ticket.accept_by.reset();
    CHECK_FALSE(due_of(p, ticket, t("2026-09-29T11:00:00+08:00")));
    CHECK(working_days_after(p, std::chrono::sys_days{}, std::chrono::sys_days{}) == 0);
}
