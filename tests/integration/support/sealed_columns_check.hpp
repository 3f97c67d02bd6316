#pragma once
// A guard for the one list of sealed columns (storage/sealed_columns): after each test, every
// value of the test server's database that holds a data-key envelope ("cr1.<key id>.") must
// sit in a column that list names, or in the clue document, which storage/sealed_clues
// handles. A column sealed by a new feature and left off the list would be skipped by key
// rotation and by the backup's key checks without a word; here it fails the first test that
// writes it.
#include <sqlite3.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "clue_router/storage/sealed_columns.hpp"

namespace clue_router::it {

namespace detail {

inline std::vector<std::string> column_texts(sqlite3* db, const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(s, 0);
        out.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(s);
    return out;
}

// SQLite's quoting of an identifier read from the schema itself (test code, no input).
inline std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (char ch : name) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

}  // namespace detail

// The "table.column" names that hold an envelope and are on no list.
inline std::vector<std::string> unlisted_sealed_columns(const std::string& database) {
    std::set<std::pair<std::string, std::string>> listed{{"clues", "body_json"}};
    for (const auto& column : storage::sealed_columns::all()) {
        listed.emplace(std::string(column.table), std::string(column.column));
    }
    std::vector<std::string> unlisted;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return unlisted;  // no database: the server never started
    }
    for (const std::string& table :
         detail::column_texts(db,
                              "SELECT name FROM sqlite_schema WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%'")) {
        for (const std::string& column : detail::column_texts(
                 db, "SELECT name FROM pragma_table_info(" + detail::quoted(table) + ")")) {
            if (listed.count({table, column}) > 0) continue;
            const auto hits = detail::column_texts(
                db, "SELECT 1 FROM " + detail::quoted(table) + " WHERE instr(CAST(" +
                        detail::quoted(column) + " AS TEXT), 'cr1.') > 0 LIMIT 1");
            if (!hits.empty()) unlisted.push_back(table + "." + column);
        }
    }
    sqlite3_close(db);
    return unlisted;
}

}  // namespace clue_router::it
