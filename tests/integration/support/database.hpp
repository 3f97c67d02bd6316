#pragma once
// Direct access to a test server's SQLite file, as someone with access to the disk could:
// tampering with the audit trail, a backup from a newer binary, filler that makes a
// database big.
#include <sqlite3.h>

#include <string>

#include <catch2/catch.hpp>

namespace clue_router::it {

// Runs SQL on the database file and requires it to succeed.
inline void edit_database(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    INFO(message);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace clue_router::it
