#include "clue_router/storage/sqlite_outcomes.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/time.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_outcomes {

void insert_closure(sqlite::Connection& c, const TicketClosure& closure) {
    auto q = c.query(
        "INSERT INTO ticket_closures (ticket_id, outcome, measures_json, follow_up_ticket, "
        "closed_by_agency, closed_at) VALUES (?, ?, ?, ?, ?, ?)");
    q->bind_all(closure.ticket_id, domain::to_string(closure.outcome),
                domain::to_json(closure.measures).dump(), closure.follow_up_ticket,
                closure.closed_by_agency, time_text(closure.closed_at));
    q->run();
}

std::optional<TicketClosure> closure_of(sqlite::Connection& c, const std::string& ticket_id) {
    auto q = c.query(
        "SELECT ticket_id, outcome, measures_json, follow_up_ticket, closed_by_agency, "
        "closed_at FROM ticket_closures WHERE ticket_id = ?");
    q->bind_all(ticket_id);
    if (!q->step()) return std::nullopt;
    TicketClosure out;
    out.ticket_id = q->text(0);
    const auto outcome = domain::parse_outcome(q->text(1));
    if (!outcome) throw StorageError("stored ticket_closures.outcome has an unknown value");
    out.outcome = *outcome;
    const auto measures = nlohmann::json::parse(q->text(2), nullptr, false);
    try {
        out.measures = domain::measures_from_json(measures);
    } catch (const std::invalid_argument&) {
        throw StorageError("stored ticket_closures.measures_json does not parse");
    }
    out.follow_up_ticket = q->optional_text(3);
    out.closed_by_agency = q->text(4);
    out.closed_at = time_column(*q, 5, "ticket_closures.closed_at");
    return out;
}

void update_clue_status(sqlite::Connection& c, const std::string& clue_id, ClueStatus status) {
    auto q = c.query("UPDATE clues SET status = ? WHERE id = ?");
    q->bind_all(to_string(status), clue_id);
    q->run();
}

}  // namespace clue_router::storage::sqlite_outcomes
