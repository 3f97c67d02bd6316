#pragma once
// SQL for the criteria versions put into service (table criteria_versions): each version
// string with the SHA-256 of the content it was first used with. Called from SqliteStore's
// transactions.
#include <optional>
#include <string>

#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_criteria {

std::optional<CriteriaVersion> find(sqlite::Connection& c, const std::string& version);
// Throws StorageError (a constraint) when the version is already recorded.
void insert(sqlite::Connection& c, const CriteriaVersion& version);

}  // namespace clue_router::storage::sqlite_criteria
