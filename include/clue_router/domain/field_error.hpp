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

// Something accepted but worth a second look, e.g. {"/subject/region", "unknown_region",
// "is not a code in the region list; …"}: the request succeeded, the reply says what to check.
// `code` is a stable id clients may act on.
struct FieldWarning {
    std::string pointer;
    std::string code;
    std::string detail;
    bool operator==(const FieldWarning&) const = default;
};

using FieldWarnings = std::vector<FieldWarning>;

}  // namespace clue_router::domain
