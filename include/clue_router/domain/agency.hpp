#pragma once
// An agency of the directory (DESIGN §4): who can receive or send clues, and where.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"

namespace clue_router::domain {

struct Agency {
    std::string id;    // stable, [a-z0-9._-]{1,64}
    std::string kind;  // one of vocabulary::agency_kinds()
    std::string name;
    std::string region;  // GB/T 2260; the level follows from the code
    std::optional<std::string> parent;
    std::vector<std::string> services;  // vocabulary::services()
    bool accepts_referrals = true;
    bool operator==(const Agency&) const = default;
};

Expected<Agency, FieldErrors> parse_agency(const nlohmann::json& doc,
                                           const std::string& pointer = "");
nlohmann::json to_json(const Agency& agency);

}  // namespace clue_router::domain
