#pragma once
// How every table stores a time: RFC 3339 UTC text with milliseconds (see migrations.cpp),
// which sorts in time order and reads well in the sqlite3 shell. Reading a stored time that
// no longer parses means the file was edited by hand or written by a buggy build; the error
// names the column, never the value, which may sit next to personal data.
#include <optional>
#include <string>

#include "clue_router/domain/time.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::storage {

inline std::string time_text(domain::Timestamp t) {
    return domain::format_rfc3339(t);
}

inline std::optional<std::string> time_text(const std::optional<domain::Timestamp>& t) {
    if (!t) return std::nullopt;
    return time_text(*t);
}

// column_name is for the error message only, e.g. "tickets.due_at".
inline domain::Timestamp time_column(const sqlite::Statement& s, int column,
                                     const char* column_name) {
    auto t = domain::parse_rfc3339(s.text(column));
    if (!t) throw StorageError(std::string("stored ") + column_name + " is not an RFC 3339 time");
    return *t;
}

inline std::optional<domain::Timestamp> optional_time_column(const sqlite::Statement& s, int column,
                                                             const char* column_name) {
    if (s.is_null(column)) return std::nullopt;
    return time_column(s, column, column_name);
}

}  // namespace clue_router::storage
