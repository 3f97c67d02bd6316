#pragma once
// How a command prints a list (`keys list`, `purge`): for a person, a header row naming
// every column, then one line per item with the columns aligned; for a script (`--json`),
// the items as one JSON array of objects with the same members — for keys, the shape
// GET /v1/keys gives. A missing value (null) is "-" in the table.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clue_router::app {

// items: an array of objects; columns: the members shown, in order (the table's header).
void print_list(std::ostream& out, const std::vector<std::string>& columns,
                const nlohmann::json& items, bool as_json);

}  // namespace clue_router::app
