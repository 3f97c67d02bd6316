#pragma once
// Routing: a pure function of (screened clue, directory, routing rules) → the tickets to
// open, and the reason the clue must (also) wait for a person (DESIGN §4). Never silently
// nothing: a clue leaves with tickets for every purpose it gives rise to, or it is in the
// review queue saying why.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/directory.hpp"
#include "clue_router/domain/routing_rules.hpp"
#include "clue_router/domain/screening.hpp"

namespace clue_router::domain {

// Why a clue waits in the review queue. Stable ids: partners and dashboards read them.
namespace review_reasons {
inline constexpr std::string_view consent_missing = "consent_missing";
inline constexpr std::string_view score_below_threshold = "score_below_threshold";
inline constexpr std::string_view no_purpose = "no_purpose";
inline constexpr std::string_view no_agency_for_region = "no_agency_for_region";
inline constexpr std::string_view rejected_everywhere = "rejected_everywhere";
// The subject's region is well shaped but not in the region list: probably mistyped. The
// clue is routed by climbing all the same, and waits for a person to check the code.
inline constexpr std::string_view unknown_region = "unknown_region";
}  // namespace review_reasons

struct TicketPlan {
    std::string purpose;           // e.g. "judicial_assistance"
    std::string recipient_agency;  // agency id
};

struct RoutingDecision {
    std::vector<TicketPlan> tickets;
    // Set when a person must look at the clue: no tickets at all, or some purpose found no
    // agency (then `unrouted` names those purposes and `tickets` holds the others).
    std::optional<std::string> review_reason;
    std::vector<std::string> unrouted;
    // What the sender should check though the clue was accepted (the submission's 201 says).
    FieldWarnings warnings;
};

struct RoutingRequest {
    const Clue& clue;
    const Screening& screening;
    std::string sender_agency;
    std::vector<std::string> excluded_agencies;  // agencies that may not receive it
    const RegionList* regions = nullptr;         // the code list in force; null: none
};

// Consent first (without it the clue may not leave the sender), then the score threshold
// (urgent clues are exempt), then the purposes from the rules, each to its recipient. A
// region missing from the region list never stops a clue: it routes by climbing as any
// other, and also waits for a person (`unknown_region`, which outranks the missing agencies
// it probably explains), with a warning for its sender whatever else happened.
RoutingDecision route(const RoutingRequest& request, const Directory& directory,
                      const RoutingRules& rules);

// The purposes the rules give this clue from this sender, in order, each once.
std::vector<std::string> purposes_for(const Clue& clue, const Screening& screening,
                                      const Agency* sender, const RoutingRules& rules);

// The agency that serves `purpose` for `region`: of the purpose's kind, offering its
// service, accepting referrals, neither the sender nor excluded, at the most specific
// level of region.jurisdictions() that has one (ties: the first by id). A handful of hash
// lookups, never a scan. nullopt when none qualifies or the region does not parse.
std::optional<std::string> find_recipient(const PurposeRule& purpose, std::string_view region,
                                          const Directory& directory,
                                          std::string_view sender_agency,
                                          const std::vector<std::string>& excluded);

}  // namespace clue_router::domain
