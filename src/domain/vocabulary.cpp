#include "clue_router/domain/vocabulary.hpp"

#include <algorithm>
#include <array>

namespace clue_router::domain::vocabulary {
namespace {

using namespace std::string_view_literals;

constexpr std::array kChannels{"hotline_12309"sv,    "hotline_12338"sv,      "online_platform"sv,
                               "federation_visit"sv, "procuratorate_case"sv, "other"sv};

constexpr std::array kIndicators{"domestic_violence"sv,
                                 "sexual_assault"sv,
                                 "trafficking"sv,
                                 "other_crime_victim"sv,
                                 "poverty_relapse_risk"sv,
                                 "minimum_living_allowance"sv,
                                 "breadwinner_killed"sv,
                                 "breadwinner_disabled"sv,
                                 "serious_illness"sv,
                                 "disability"sv,
                                 "elderly_no_support"sv,
                                 "employment_discrimination"sv,
                                 "workplace_sexual_harassment"sv,
                                 "divorce_due_to_dv"sv,
                                 "raising_minors"sv,
                                 "supporting_elders"sv,
                                 "urgent_medical"sv,
                                 "threat_to_life"sv,
                                 "protection_order_needed"sv};

constexpr std::array kKeyGroups{"rural_poverty_risk"sv,  "crime_victim"sv,
                                "lost_breadwinner"sv,    "illness_disability"sv,
                                "elderly_unsupported"sv, "workplace_discrimination"sv,
                                "dv_divorce"sv};

constexpr std::array kAgencyKinds{
    "procuratorate"sv, "womens_federation"sv, "hotline"sv, "complaint_platform"sv,
    "legal_aid"sv,     "civil_affairs"sv,     "court"sv,   "public_security"sv,
    "health"sv,        "human_resources"sv,   "shelter"sv, "social_organisation"sv};

constexpr std::array kServices{"judicial_assistance"sv,
                               "legal_aid"sv,
                               "psychological_counselling"sv,
                               "medical"sv,
                               "social_assistance"sv,
                               "employment"sv,
                               "shelter"sv,
                               "protection_order"sv,
                               "intake"sv,
                               "social_support"sv};

constexpr std::array kReporterRelations{"self"sv,          "family"sv,   "neighbour"sv,
                                        "social_worker"sv, "official"sv, "other"sv};

constexpr std::array kSexes{"female"sv, "male"sv, "unknown"sv};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

std::span<const std::string_view> channels() {
    return kChannels;
}
std::span<const std::string_view> indicators() {
    return kIndicators;
}
std::span<const std::string_view> key_groups() {
    return kKeyGroups;
}
std::span<const std::string_view> agency_kinds() {
    return kAgencyKinds;
}
std::span<const std::string_view> services() {
    return kServices;
}
std::span<const std::string_view> reporter_relations() {
    return kReporterRelations;
}
std::span<const std::string_view> sexes() {
    return kSexes;
}

bool is_channel(std::string_view v) {
    return contains(kChannels, v);
}
bool is_indicator(std::string_view v) {
    return contains(kIndicators, v);
}
bool is_key_group(std::string_view v) {
    return contains(kKeyGroups, v);
}
bool is_agency_kind(std::string_view v) {
    return contains(kAgencyKinds, v);
}
bool is_service(std::string_view v) {
    return contains(kServices, v);
}
bool is_reporter_relation(std::string_view v) {
    return contains(kReporterRelations, v);
}
bool is_sex(std::string_view v) {
    return contains(kSexes, v);
}

std::string one_of(std::span<const std::string_view> words) {
    std::string out = "must be one of ";
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += ", ";
        out += words[i];
    }
    return out;
}

}  // namespace clue_router::domain::vocabulary
