#pragma once
// Routing: a pure function of (screened clue, directory) → the tickets to open, or the
// reason the clue must wait for a person (DESIGN §4). Never silently nothing.
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/directory.hpp"
#include "clue_router/domain/screening.hpp"

namespace clue_router::domain {

struct TicketPlan {
    std::string purpose;           // e.g. "judicial_assistance"
    std::string recipient_agency;  // agency id
};

struct RoutingDecision {
    std::vector<TicketPlan> tickets;
    // Set when tickets is empty: "consent_missing", "no_agency_for_region".
    std::optional<std::string> review_reason;
};

struct RoutingRequest {
    const Clue& clue;
    const Screening& screening;
    std::string sender_agency;
    std::vector<std::string> excluded_agencies;  // agencies that already rejected it
};

// First version: every clue with consent to share goes to the procuratorate (accepting
// referrals) whose region covers the subject's region most specifically: the county, then
// the prefecture, then the province. The sender never receives its own clue.
RoutingDecision route(const RoutingRequest& request, const Directory& directory);

}  // namespace clue_router::domain
