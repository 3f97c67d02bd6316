#pragma once
// SQL for closing the loop: ticket closures with their aid measures, and the clue status
// that says every ticket of a clue is finished. Called from SqliteStore's transactions.
#include <optional>
#include <string>
#include <vector>

#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_outcomes {

void insert_closure(sqlite::Connection& c, const TicketClosure& closure);
std::optional<TicketClosure> closure_of(sqlite::Connection& c, const std::string& ticket_id);
void update_clue_status(sqlite::Connection& c, const std::string& clue_id, ClueStatus status);

}  // namespace clue_router::storage::sqlite_outcomes
