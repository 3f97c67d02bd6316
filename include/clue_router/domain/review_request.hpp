#pragma once
// What staff send from the review queue: route a clue by hand (choosing the agencies) or
// dismiss it with a reason. Shape checks only; whether the agencies exist and may receive
// it is the service's question, against the directory in force.
//
//   POST /v1/review-queue/{clue_id}/route
//     {"routes": [{"agency": "proc-511700", "purpose": "judicial_assistance"}],
//      "note": "…", "consent_obtained": true}
//   POST /v1/review-queue/{clue_id}/dismiss   {"reason": "…"}
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"

namespace clue_router::domain {

struct HandRoute {
    std::string agency;
    std::string purpose;
};

struct HandRouting {
    std::vector<HandRoute> routes;    // 1 to 10, no repeats
    std::optional<std::string> note;  // why, for the history (1-500 characters)
    // Staff confirm that consent to share was obtained after the clue came in; required
    // when the clue was submitted without it.
    bool consent_obtained = false;
};

struct Dismissal {
    std::string reason;  // 1-500 characters
};

Expected<HandRouting, FieldErrors> parse_hand_routing(const nlohmann::json& body);
Expected<Dismissal, FieldErrors> parse_dismissal(const nlohmann::json& body);

}  // namespace clue_router::domain
