#include "clue_router/domain/routing.hpp"

#include <algorithm>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

bool applies(const RuleCondition& when, const Clue& clue, const Screening& screening,
             const Agency* sender) {
    if (!when.channels.empty() && !contains(when.channels, clue.source.channel)) return false;
    // An unknown sender (not in the directory) has no kind: a rule that asks for one does
    // not apply, and one that excludes kinds does.
    if (!when.sender_kinds.empty() && (!sender || !contains(when.sender_kinds, sender->kind))) {
        return false;
    }
    if (sender && contains(when.sender_kinds_not, sender->kind)) return false;
    if (!when.key_groups.empty()) {
        const bool any =
            std::any_of(screening.groups.begin(), screening.groups.end(),
                        [&](const GroupMatch& g) { return contains(when.key_groups, g.group); });
        if (!any) return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> purposes_for(const Clue& clue, const Screening& screening,
                                      const Agency* sender, const RoutingRules& rules) {
    std::vector<std::string> out;
    for (const auto& rule : rules.rules) {
        if (!applies(rule.when, clue, screening, sender)) continue;
        for (const auto& p : rule.purposes) {
            if (!contains(out, p)) out.push_back(p);
        }
    }
    return out;
}

std::optional<std::string> find_recipient(const PurposeRule& purpose, std::string_view region,
                                          const Directory& directory,
                                          std::string_view sender_agency,
                                          const std::vector<std::string>& excluded) {
    auto code = RegionCode::parse(region);
    if (!code) return std::nullopt;  // slipped past validation: a person decides
    auto eligible = [&](const Agency& a) {
        if (!a.accepts_referrals || a.id == sender_agency || contains(excluded, a.id)) {
            return false;
        }
        return !purpose.service || contains(a.services, *purpose.service);
    };
    for (const auto& level : code->jurisdictions()) {
        // at() answers in id order, so the first eligible one is "first by id".
        for (const Agency* agency : directory.at(purpose.agency_kind, level)) {
            if (eligible(*agency)) return agency->id;
        }
    }
    return std::nullopt;
}

RoutingDecision route(const RoutingRequest& request, const Directory& directory,
                      const RoutingRules& rules) {
    RoutingDecision decision;
    const bool unknown_region =
        request.regions != nullptr && !request.regions->contains(request.clue.subject.region);
    if (unknown_region) {
        decision.warnings.push_back(
            {"/subject/region", std::string(review_reasons::unknown_region),
             "is not a code in the region list; the clue was routed by climbing to the nearest "
             "level that has an agency, and waits in the review queue for the code to be "
             "checked"});
    }
    if (!request.clue.consent.share_with_partners) {
        decision.review_reason = std::string(review_reasons::consent_missing);
        return decision;
    }
    // Danger now does not wait for a person to look at a low score.
    if (request.screening.score < rules.review_below_score &&
        request.screening.priority != Priority::urgent) {
        decision.review_reason = std::string(review_reasons::score_below_threshold);
        return decision;
    }
    const auto purposes =
        purposes_for(request.clue, request.screening, directory.find(request.sender_agency), rules);
    if (purposes.empty()) {
        decision.review_reason = std::string(review_reasons::no_purpose);
        return decision;
    }
    for (const auto& id : purposes) {
        const PurposeRule* purpose = rules.purpose(id);
        std::optional<std::string> recipient;
        if (purpose) {
            recipient = find_recipient(*purpose, request.clue.subject.region, directory,
                                       request.sender_agency, request.excluded_agencies);
        }
        if (recipient) {
            decision.tickets.push_back({id, std::move(*recipient)});
        } else {
            decision.unrouted.push_back(id);
        }
    }
    if (unknown_region) {
        decision.review_reason = std::string(review_reasons::unknown_region);
    } else if (!decision.unrouted.empty()) {
        decision.review_reason = std::string(review_reasons::no_agency_for_region);
    }
    return decision;
}

}  // namespace clue_router::domain
