#pragma once
// Why clues are in one case: links made on intake by the blind index of the subject's
// identifiers, or by hand (storage/sqlite_cases keeps the cases themselves). Functions over a
// connection, called from the SQLite store.
#include <string>
#include <vector>

#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_links {

// Records the link both ways; false when it was already there.
bool link(sqlite::Connection& c, const ClueLink& link);
// Removes it both ways; false when there was none.
bool unlink(sqlite::Connection& c, const std::string& clue_id, const std::string& other_id);
std::vector<ClueLink> links_of(sqlite::Connection& c, const std::string& clue_id);

}  // namespace clue_router::storage::sqlite_links
