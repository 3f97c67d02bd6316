#pragma once
// Retention: finding clues whose loop closed long enough ago, and removing their personal
// data while the anonymised rest (channel, region, priority, screening, tickets, events)
// stays for the figures. Functions over a connection, called from the SQLite store.
#include <string>
#include <vector>

#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_retention {

// Clues with personal data whose every ticket is finished, with no linked clue still open,
// not waiting for review, and closed (last ticket change, or creation when it has none)
// before `closed_before`; oldest id first, at most `limit`.
std::vector<PurgeCandidate> candidates(sqlite::Connection& c, Timestamp closed_before, int limit);

// Removes the clue's personal values from its stored document (nothing is decrypted: the
// envelopes are dropped), its blind-index digests, and marks it purged. False when it was
// already purged or does not exist.
bool purge(sqlite::Connection& c, const std::string& clue_id, Timestamp at);

}  // namespace clue_router::storage::sqlite_retention
