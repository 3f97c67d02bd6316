#pragma once
// SQL for progress figures (GET /v1/stats): aggregates over clues, tickets, their events and
// closures, per group, within one period and scope. Figures only — no query here reads a
// clue's body or any personal value. Called from SqliteStore's reader.
#include <vector>

#include "clue_router/domain/stats.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_figures {

// One GroupFigures per group that has any clue or ticket in the period, in no set order.
// by=province / prefecture are grouped by agency here (with the agency's region) and rolled
// up by domain::roll_up. by=total yields at most one group, "total".
std::vector<domain::GroupFigures> figures(sqlite::Connection& c, const domain::StatsQuery& query);

}  // namespace clue_router::storage::sqlite_figures
