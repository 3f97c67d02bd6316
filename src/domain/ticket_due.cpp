#include "clue_router/domain/ticket_due.hpp"

#include <nlohmann/json.hpp>

namespace clue_router::domain {

namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::milliseconds;
using std::chrono::sys_days;

sys_days local_day(const DeadlinePolicy& policy, Timestamp t) {
    return floor<days>(t + policy.local_offset);
}

}  // namespace

int working_days_after(const DeadlinePolicy& policy, sys_days from, sys_days to) {
    int counted = 0;
    // Bounded like deadline_after: a close deadline is months away, not decades.
    for (sys_days day = from + days(1); day <= to && day - from < days(3700); day += days(1)) {
        if (policy.is_working_day(day)) ++counted;
    }
    return counted;
}

std::optional<TicketDue> due_of(const DeadlinePolicy& policy, const Ticket& ticket, Timestamp now) {
    TicketDue due;
    std::optional<Timestamp> at;
    switch (ticket.status) {
        case TicketStatus::pending:
            due.deadline = TicketDue::Deadline::accept;
            at = ticket.accept_by;
            break;
        case TicketStatus::accepted:
        case TicketStatus::in_progress:
        case TicketStatus::on_hold:
            due.deadline = TicketDue::Deadline::close;
            at = ticket.close_by;
            break;
        case TicketStatus::rejected:
        case TicketStatus::closed:
        case TicketStatus::cancelled:
            return std::nullopt;
    }
    if (!at) return std::nullopt;
    due.at = *at;
    due.passed = now >= *at;
    // The last day on time: deadlines in days end at local midnight, so the day before it.
    const sys_days last_day = local_day(policy, *at - milliseconds(1));
    const sys_days today = local_day(policy, now);
    due.working_days = due.passed ? working_days_after(policy, last_day, today)
                                  : working_days_after(policy, today, last_day);
    return due;
}

nlohmann::json to_json(const TicketDue& due) {
    nlohmann::json j{{"deadline", due.deadline == TicketDue::Deadline::accept ? "accept" : "close"},
                     {"at", format_rfc3339(due.at)},
                     {"passed", due.passed}};
    j[due.passed ? "working_days_overdue" : "working_days_left"] = due.working_days;
    return j;
}

}  // namespace clue_router::domain
