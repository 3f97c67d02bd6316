#pragma once
// The published forms of a figures table: JSON, and CSV for spreadsheets.
#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/stats.hpp"

namespace clue_router::domain {

// {"period": {"from", "to", "days", "local_offset_minutes"}, "region", "by": [...],
//  "columns": [...], "protection": {...}, "rows": [{<dimension>: value, <column>: number or
//  null, "hidden": [column, ...]}, ...], "total": {...}}. Every column holds a number or null,
// never a string; a null that small-number protection caused is named in its row's "hidden".
nlohmann::json to_json(const StatsTable& table, const StatsRequest& request,
                       std::chrono::minutes local_offset);

// RFC 4180: CRLF line ends, a header row (the dimensions — or "group" when there are none —
// then the columns, then "hidden"), one line per row and the total last. Hidden and absent
// values are empty fields; "hidden" lists the hidden columns separated by spaces.
std::string to_csv(const StatsTable& table);

// One CSV field. A field that a spreadsheet would read as a formula — one that begins with
// =, +, -, @, a tab or a carriage return — is neutralised as OWASP advises ("CSV Injection"):
// a single quote is put before it and the whole field is quoted. Otherwise RFC 4180: quoted
// when it holds a comma, a quote, CR or LF, quotes doubled. Numbers are written by the caller
// and never begin with any of those characters.
std::string csv_field(std::string_view text);

}  // namespace clue_router::domain
