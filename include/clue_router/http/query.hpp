#pragma once
// The path and query of a request target, percent-decoded. The path is split into segments
// before decoding, so an encoded slash ("%2F") is part of a segment and never separates two:
// "/v1%2Faudit%2Fverify" is one segment, not the route /v1/audit/verify.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clue_router::http {

struct Target {
    std::string path;                          // as sent, still percent-encoded
    std::vector<std::string> segments;         // between the slashes of path, each decoded alone
    std::map<std::string, std::string> query;  // a repeated parameter keeps its last value
};

// nullopt for a target that is not origin-form or has broken percent-encoding.
std::optional<Target> parse_target(std::string_view target);

// The query parameters of `target` that are not among `allowed`, in name order. A parameter a
// route does not take is a mistake (a typo such as `stauts=` would otherwise list everything),
// so every route that reads its query refuses them; this is the one list of what it takes.
std::vector<std::string> unknown_parameters(const Target& target,
                                            std::span<const std::string_view> allowed);

// What list cursors look like. A cursor is what the server gave as next_cursor: the id or the
// sequence number of the last row of a page; anything else would silently list nothing.
enum class CursorKind {
    uuid,       // tickets, the review queue: a lowercase UUID (8-4-4-4-12 hex digits)
    agency_id,  // the directory: 1-64 characters from a-z, 0-9, '.', '_' and '-'
    sequence,   // the audit trail, webhook deliveries: a whole number, 0-9223372036854775807
};
bool is_cursor(std::string_view text, CursorKind kind);

}  // namespace clue_router::http
