#pragma once
// A validation failure tied to one place in the request body, named by a JSON Pointer
// (RFC 6901), e.g. {"/subject/id_number", "check character is wrong"}. Messages never
// repeat the rejected value: it may be a victim's personal data.
#include <string>
#include <vector>

namespace clue_router::domain {

struct FieldError {
    std::string pointer;
    std::string detail;
    bool operator==(const FieldError&) const = default;
};

using FieldErrors = std::vector<FieldError>;

}  // namespace clue_router::domain
