#pragma once
// The one list of every column sealed at rest with the data keyring outside the clue
// documents (those are storage/sealed_clues): webhook and inbound secrets, the replies kept
// for idempotent requests and inbound webhook-ids, dismissal reasons, the reasons given for
// break-glass reads, screening results, and whatever else a feature seals. Each value is
// bound to its table, row and column (storage/sealed_secrets), so a value moved to another
// row does not open.
//
// Three things must see every such column, and forgetting one is silent: `keys
// rotate-data-key` reseals it under the current key, `backup` and `restore` list the keys it
// needs, and `keys check` opens it. They all read this list, so a new sealed column is one
// entry here (and a row in operations.md's "What is sealed at rest").
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/sealed_secrets.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sealed_columns {

struct SealedColumn {
    std::string_view table;
    std::string_view column;
    // Returns (row part of the binding, stored value, first key, second key) for every row
    // that holds a value; ends with a WHERE clause, which resealing extends.
    std::string_view select_sql;
    // Takes (value, first key, second key).
    std::string_view update_sql;
};

std::span<const SealedColumn> all();

// Calls visit(slot, stored value, key id) for every stored value that is an envelope (values
// stored before sealing began are clear, and name no key). Tables an older schema lacks are
// skipped: backups and restores read databases of any version.
void each_sealed_value(
    sqlite::Connection& c,
    const std::function<void(const SecretSlot&, const std::string&, const std::string&)>& visit);

// Seals under the current key up to `limit` (1–1000) stored values that are clear or sealed
// under another key; returns how many.
int reseal(sqlite::Connection& c, const PersonalDataCipher& cipher, int limit);

}  // namespace clue_router::storage::sealed_columns
