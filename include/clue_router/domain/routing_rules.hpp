#pragma once
// Routing rules as data (config/routing.json): which purposes a clue gives rise to, from its
// channel, the kind of agency that sent it and its key groups, and which kind of agency
// serves each purpose. Changing who gets what is an edit of that file and a reload, never
// a rebuild. The format:
//
//   {"version": "2026.11-routing-1",
//    "review_below_score": 20,
//    "purposes": [{"id": "judicial_assistance", "agency_kind": "procuratorate",
//                  "service": "judicial_assistance"}, …],
//    "rules": [{"id": "…", "when": {"channels": […], "sender_kinds": […],
//               "sender_kinds_not": […], "key_groups": […]},
//               "purposes": ["judicial_assistance"]}, …]}
//
// A rule applies when every condition it names holds (a list means "any of these"; an
// absent condition always holds). The clue's purposes are those of every rule that
// applies, in order of first mention, each once.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"

namespace clue_router::domain {

struct PurposeRule {
    std::string id;           // e.g. "judicial_assistance"; the ticket's purpose
    std::string agency_kind;  // the kind of agency that serves it
    // The service the recipient must list; nullopt: any agency of the kind will do.
    std::optional<std::string> service;
};

struct RuleCondition {
    std::vector<std::string> channels;          // the clue's source channel is one of these
    std::vector<std::string> sender_kinds;      // the sending agency's kind is one of these
    std::vector<std::string> sender_kinds_not;  // … and none of these
    std::vector<std::string> key_groups;        // screening matched at least one of these
};

struct PurposeTrigger {
    std::string id;  // for people reading the file and the decision
    RuleCondition when;
    std::vector<std::string> purposes;
};

struct RoutingRules {
    std::string version;
    // A clue that scores below this waits for a person instead of going out; urgent clues
    // never wait for this reason.
    int review_below_score = 0;
    std::vector<PurposeRule> purposes;
    std::vector<PurposeTrigger> rules;

    const PurposeRule* purpose(std::string_view id) const;
};

// Checks: known channels, agency kinds, services and key groups; every purpose a rule
// names is declared; ids unique; 0 ≤ review_below_score ≤ 100. Errors name the member.
Expected<RoutingRules, std::string> parse_routing_rules(const nlohmann::json& doc);

}  // namespace clue_router::domain
