#pragma once
// The path and query of a request target, percent-decoded.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::http {

struct Target {
    std::string path;
    std::map<std::string, std::string> query;  // a repeated parameter keeps its last value
};

// nullopt for a target that is not origin-form or has broken percent-encoding.
std::optional<Target> parse_target(std::string_view target);

}  // namespace clue_router::http
