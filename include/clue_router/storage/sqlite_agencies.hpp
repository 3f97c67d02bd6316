#pragma once
// The agencies table: the directory as the administrators keep it (API and
// `clue-router agencies import`). Functions over a connection, called by the store's reader
// and write transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/agency.hpp"
#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_agencies {

std::vector<StoredAgency> all(sqlite::Connection& c);
std::optional<StoredAgency> find(sqlite::Connection& c, const std::string& id);
std::int64_t upsert(sqlite::Connection& c, const domain::Agency& agency);
bool update(sqlite::Connection& c, const domain::Agency& agency, std::int64_t expected_version);

}  // namespace clue_router::storage::sqlite_agencies
