#pragma once
// Backup and restore of the SQLite database, through SQLite's online backup API. A backup is
// one consistent snapshot taken while the service keeps writing; a restore replaces a
// database's content in one write transaction. Neither holds a data key: the sealed values
// travel sealed, and check_keyring() says whether a keyring opens them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clue_router/storage/personal_data_cipher.hpp"

namespace clue_router::storage {

// Called after each step of a copy with the pages copied so far and the total.
using CopyProgress = std::function<void(std::int64_t copied, std::int64_t total)>;

// What a database file holds, read without changing it.
struct DatabaseFacts {
    int schema_version = 0;
    std::int64_t pages = 0;
    std::int64_t page_size = 0;
    std::int64_t clues = 0;
    std::int64_t audit_rows = 0;
    std::string audit_head;              // hash of the last audit row ("" when none)
    std::vector<std::string> data_keys;  // key ids the sealed values name, sorted
};

// Copies one consistent snapshot of the database at `database` to the new file
// `destination` (mode 600) while other processes go on writing: a read transaction held
// across every step pins the snapshot, so the copy never restarts and never mixes two
// states. Written as `destination` + ".partial", checked (integrity_check), synced, then
// renamed: a file under the final name is always a whole, sound backup. Refuses to
// overwrite an existing `destination`. Throws StorageError.
DatabaseFacts backup_database(const std::string& database, const std::string& destination,
                              const CopyProgress& progress);

// Checks a backup without changing it: SQLite's integrity_check passes, it is a clue-router
// database, and its schema is not newer than this binary's. Throws StorageError naming the
// first problem.
DatabaseFacts check_backup(const std::string& backup);

// Replaces the content of the database at `destination` (created when missing) with the
// backup's, in one write transaction on it: a restore that fails or is interrupted leaves
// the destination as it was. The result is in WAL mode, as the store keeps it. Checks the
// backup first (check_backup). Throws StorageError; SQLITE_BUSY when another process holds
// the destination's write lock for longer than the busy timeout.
DatabaseFacts restore_database(const std::string& backup, const std::string& destination,
                               const CopyProgress& progress);

// Whether a keyring opens what a database holds: for every data key a sealed value names,
// one clue and every other value sealed with it (webhook secrets, stored replies, reasons)
// open; and the blind-index key gives the stored digests of one clue's identifiers.
struct KeyringCheck {
    std::vector<std::string> data_keys;     // key ids named by sealed values, sorted
    std::vector<std::string> failing;       // of those, the ones whose values do not open
    std::optional<bool> index_key_matches;  // nullopt: no clue with identifiers to check
    bool ok() const { return failing.empty() && index_key_matches.value_or(true); }
};
KeyringCheck check_keyring(const std::string& database, const PersonalDataCipher& cipher);

}  // namespace clue_router::storage
