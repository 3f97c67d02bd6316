#pragma once
// `clue-router backup FILE` and `clue-router restore FILE`: an online, consistent copy of the
// database while the service serves, and the way back, checked before anything is replaced.
// Neither copies the data keyring: it is backed up on its own (docs/operations.md).
#include <ostream>
#include <string>

#include "clue_router/app/config.hpp"

namespace clue_router::app {

// Exit code 0 with a summary on `err` (size, schema version, clues, audit rows and head, the
// data keys the backup needs); 1 when the copy cannot be made.
int backup_command(const Config& config, const std::string& file, std::ostream& err);

// Replaces the configured database with the backup's content. Refuses (exit 1), changing
// nothing, while a server holds the database, when the backup fails SQLite's integrity
// check, is not a clue-router database or is newer than this binary, or when the configured
// data keyring does not open what it holds; exit 2 when the database holds data and
// `overwrite` is false. After the copy: the migrations the backup lacks, an audit row
// `database.restored`, and the audit chain walked (exit 1 if broken).
int restore_command(const Config& config, const std::string& file, bool overwrite,
                    std::ostream& err);

}  // namespace clue_router::app
