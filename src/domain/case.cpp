#include "clue_router/domain/case.hpp"

#include <algorithm>
#include <array>

namespace clue_router::domain {

namespace {

using namespace std::string_view_literals;

constexpr std::array kStatuses{"open"sv, "closed"sv, "merged"sv};
constexpr std::string_view kIdNumber = "id_number";

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
}

GroupMatch* find_group(std::vector<GroupMatch>& groups, const std::string& id) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const GroupMatch& g) { return g.group == id; });
    return it == groups.end() ? nullptr : &*it;
}

// Strongest first, then by id: the order screen() gives, so a merged screening reads alike.
void sort_by_strength(std::vector<GroupMatch>& groups) {
    std::stable_sort(groups.begin(), groups.end(), [](const GroupMatch& a, const GroupMatch& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.group < b.group;
    });
}

// Unites `from` into `into` group by group.
void unite(std::vector<GroupMatch>& into, const std::vector<GroupMatch>& from) {
    for (const auto& g : from) {
        if (GroupMatch* same = find_group(into, g.group)) {
            same->score = std::max(same->score, g.score);
            append(same->reasons, g.reasons);
        } else {
            into.push_back(g);
        }
    }
}

bool has_kind(const CaseIdentity& c, std::string_view kind) {
    return std::any_of(c.identifiers.begin(), c.identifiers.end(),
                       [&](const CaseIdentifier& i) { return i.kind == kind; });
}

bool shares(const CaseIdentity& a, const CaseIdentity& b, std::optional<std::string_view> kind) {
    for (const auto& x : a.identifiers) {
        if (kind && x.kind != *kind) continue;
        if (std::find(b.identifiers.begin(), b.identifiers.end(), x) != b.identifiers.end()) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string_view to_string(CaseStatus s) {
    return kStatuses.at(static_cast<std::size_t>(s));
}

std::optional<CaseStatus> parse_case_status(std::string_view s) {
    for (std::size_t i = 0; i < kStatuses.size(); ++i) {
        if (kStatuses[i] == s) return static_cast<CaseStatus>(i);
    }
    return std::nullopt;
}

Priority higher(Priority a, Priority b) {
    return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

Screening merge_screenings(Screening into, const Screening& from) {
    unite(into.groups, from.groups);
    unite(into.weak_groups, from.weak_groups);
    // A group one clue matched is matched for the case: it is not "weak" any more.
    std::erase_if(into.weak_groups, [&](const GroupMatch& weak) {
        return find_group(into.groups, weak.group) != nullptr;
    });
    sort_by_strength(into.groups);
    sort_by_strength(into.weak_groups);
    append(into.urgency_reasons, from.urgency_reasons);
    append(into.negated, from.negated);
    into.score = std::max(into.score, from.score);
    into.priority = higher(into.priority, from.priority);
    if (!from.criteria_version.empty()) into.criteria_version = from.criteria_version;
    return into;
}

bool shares_identifier(const CaseIdentity& a, const CaseIdentity& b) {
    return shares(a, b, std::nullopt);
}

bool id_numbers_conflict(const CaseIdentity& a, const CaseIdentity& b) {
    return has_kind(a, kIdNumber) && has_kind(b, kIdNumber) && !shares(a, b, kIdNumber);
}

bool belong_together(const CaseIdentity& a, const CaseIdentity& b, bool separated_by_hand) {
    return !separated_by_hand && shares_identifier(a, b) && !id_numbers_conflict(a, b);
}

}  // namespace clue_router::domain
