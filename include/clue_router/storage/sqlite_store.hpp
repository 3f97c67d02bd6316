#pragma once
// The SQLite implementation of Store: WAL, synchronous=FULL by default, versioned
// migrations applied at open, one writer thread with group commit, a pool of read-only
// connections.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::storage {

struct SqliteOptions {
    std::string path;                  // database file; created if missing
    std::string synchronous = "FULL";  // FULL (default, survives power loss) or NORMAL
    std::size_t max_batch = 256;       // units of work per group commit
    std::size_t read_connections = 4;  // pooled read-only connections
    int busy_timeout_ms = 5000;
    // Seals and opens personal data. Without one the store still serves keys, tickets and
    // the audit trail (the command line needs no data key for those), but refuses to write
    // or read a clue: personal data is never stored in clear.
    std::shared_ptr<const PersonalDataCipher> cipher;
    // Once writes have failed, they count as recovered (WriteHealth::failing false) only
    // after a commit that comes at least this long after the last failure: a nearly full
    // disk that takes one small write between failures must not flap readiness.
    std::chrono::milliseconds recovery_quiet{5000};
};

// Opens (creating if needed), applies pending migrations, starts the writer thread.
// Throws StorageError with a clear message (cannot open, newer schema than this binary…).
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

// The schema version this binary migrates to.
int latest_schema_version();

// What the writer thread has done so far: how many groups it committed (or tried to), how
// many units of work they held, and the largest group. For /metrics and tests.
struct SqliteStats {
    std::uint64_t batches = 0;
    std::uint64_t units = 0;
    std::size_t largest_batch = 0;
    std::uint64_t failed_batches = 0;  // BEGIN or COMMIT failed: every unit got the error
};

// The counters of a store made by open_sqlite_store; nullopt for any other Store.
std::optional<SqliteStats> sqlite_stats(const Store& store);

}  // namespace clue_router::storage
