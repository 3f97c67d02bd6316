#pragma once
// SQL for progress figures (GET /v1/stats): one fact per clue received, per ticket handed
// over and per aid measure provided within a window and scope — ids, region codes, channel,
// statuses, times, outcomes, measure types and amounts. Nothing personal: of a clue's stored
// document only the subject's rural flag is read (it is not sealed, and stays after retention), and
// only when the figures are split by it. Called from SqliteStore's reader.
#include <string>

#include "clue_router/domain/stats.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_figures {

// The facts of the window [query.from, query.to) in query.scope, in no set order. Record
// keys are left 0: the service derives them (service/stats_service).
domain::StatsFacts facts(sqlite::Connection& c, const domain::StatsQuery& query);

// The database's secret for the figures' record keys (migration 13): 32 random bytes as hex,
// made once when the table was created, kept with the records it protects.
std::string secret(sqlite::Connection& c);

}  // namespace clue_router::storage::sqlite_figures
