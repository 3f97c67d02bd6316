#pragma once
// Versioned schema migrations for the SQLite store. The applied versions are recorded in
// schema_migrations(version, applied_at); each pending migration runs in its own transaction
// when the store opens, so a crash mid-upgrade leaves the last complete version behind.
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::migrations {

// The version the newest migration of this binary produces.
int latest_version();

// The highest version applied to this database; 0 for a fresh file.
int current_version(sqlite::Connection& connection);

// Applies every pending migration, each in its own BEGIN IMMEDIATE transaction. Throws
// StorageError when the database was written by a newer binary (its version is above
// latest_version()): an old binary must not guess at a schema it does not know.
void migrate(sqlite::Connection& connection);
// The same, stopping after `version`: for tests that build a database as an older binary left
// it, and then let the store migrate it.
void migrate_to(sqlite::Connection& connection, int version);

}  // namespace clue_router::storage::migrations
