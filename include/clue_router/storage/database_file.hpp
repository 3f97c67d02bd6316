#pragma once
// The database file and its -wal and -shm companions hold every clue: only the service's own
// user may read them. SQLite creates a new database file 0644 less the umask, and gives the
// -wal and -shm files the database file's mode, so the database file is created here, 0600
// whatever the umask, before SQLite opens it; and one that group or others may read or write
// is refused, as the data keyring is, rather than used.
#include <string>

namespace clue_router::storage {

// Creates `path` empty with mode 0600 if it does not exist. Throws StorageError naming the
// file and the command that fixes it when the file, or its -wal or -shm file, may be read or
// written by group or others. In-memory databases and "file:" URIs are left to SQLite.
void secure_database_files(const std::string& path);

}  // namespace clue_router::storage
