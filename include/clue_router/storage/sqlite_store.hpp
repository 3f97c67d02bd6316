#pragma once
// The SQLite implementation of Store: WAL, synchronous=FULL by default, versioned
// migrations applied at open, one writer thread with group commit, a pool of read-only
// connections.
#include <cstddef>
#include <memory>
#include <string>

#include "clue_router/storage/store.hpp"

namespace clue_router::storage {

struct SqliteOptions {
    std::string path;                 // database file; created if missing
    std::string synchronous = "FULL";  // FULL (default, survives power loss) or NORMAL
    std::size_t max_batch = 256;       // units of work per group commit
    std::size_t read_connections = 4;  // pooled read-only connections
    int busy_timeout_ms = 5000;
};

// Opens (creating if needed), applies pending migrations, starts the writer thread.
// Throws StorageError with a clear message (cannot open, newer schema than this binary…).
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

// The schema version this binary migrates to.
int latest_schema_version();

}  // namespace clue_router::storage
