#include "clue_router/domain/routing.hpp"

#include <algorithm>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {
namespace {

constexpr std::string_view kTargetKind = "procuratorate";
constexpr std::string_view kPurpose = "judicial_assistance";

// The subject's region and the regions that enclose it, most specific first.
std::vector<std::string> jurisdictions(const RegionCode& code) {
    std::vector<std::string> out{code.str()};
    if (auto prefecture = code.prefecture(); prefecture && prefecture->str() != out.back()) {
        out.push_back(prefecture->str());
    }
    if (auto province = code.province(); province.str() != out.back()) {
        out.push_back(province.str());
    }
    return out;
}

}  // namespace

RoutingDecision route(const RoutingRequest& request, const Directory& directory) {
    RoutingDecision decision;
    // Consent comes first: without it the clue may not leave the sender, whatever the
    // directory holds.
    if (!request.clue.consent.share_with_partners) {
        decision.review_reason = "consent_missing";
        return decision;
    }

    auto eligible = [&](const Agency& a) {
        if (!a.accepts_referrals || a.id == request.sender_agency) return false;
        const auto& ex = request.excluded_agencies;
        return std::find(ex.begin(), ex.end(), a.id) == ex.end();
    };

    // A region code that slipped past validation is not routable; a person decides.
    if (auto code = RegionCode::parse(request.clue.subject.region)) {
        for (const auto& region : jurisdictions(*code)) {
            // at() answers in id order, so the first eligible one is "first by id".
            for (const Agency* agency : directory.at(kTargetKind, region)) {
                if (eligible(*agency)) {
                    decision.tickets.push_back({std::string(kPurpose), agency->id});
                    return decision;
                }
            }
        }
    }
    decision.review_reason = "no_agency_for_region";
    return decision;
}

}  // namespace clue_router::domain
