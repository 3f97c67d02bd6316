#pragma once
// How much time a ticket has left, as the people working it count it: in working days on the
// deadline calendar (weekends, public holidays and make-up working weekends of
// config/deadlines.json), so that the console says "剩余2个工作日" across the Spring Festival
// as the agencies reckon it. Read with the ticket, never stored: it changes with the clock.
// Pure: the caller passes now.
#include <chrono>
#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/deadlines.hpp"
#include "clue_router/domain/ticket.hpp"

namespace clue_router::domain {

struct TicketDue {
    enum class Deadline { accept, close };
    Deadline deadline = Deadline::accept;
    Timestamp at{};
    bool passed = false;
    // Not passed: the working days after today up to the deadline's last day (0: it ends
    // today). Passed: the working days since that last day, today included (0: it passed
    // today).
    int working_days = 0;
};

// The deadline in force: accept_by while pending, close_by while accepted, in progress or on
// hold; nullopt for a finished ticket or one stored before deadlines existed.
std::optional<TicketDue> due_of(const DeadlinePolicy& policy, const Ticket& ticket, Timestamp now);

// The working days d with from < d <= to, on the policy's calendar (0 when to <= from).
int working_days_after(const DeadlinePolicy& policy, std::chrono::sys_days from,
                       std::chrono::sys_days to);

// {"deadline": "accept", "at": …, "passed": false, "working_days_left": 2}, or with
// "working_days_overdue" once passed.
nlohmann::json to_json(const TicketDue& due);

}  // namespace clue_router::domain
