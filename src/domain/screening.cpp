#include "clue_router/domain/screening.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;
using namespace std::string_view_literals;

constexpr std::array kPriorities{"low"sv, "normal"sv, "high"sv, "urgent"sv};

// Fixed weights for the two reasons that do not come from an indicator. They only ever
// strengthen a group that something else already matched, so they live here rather than
// in the criteria file (the criteria format stays indicator → group → weight).
constexpr int kAgeWeight = 10;
constexpr int kRuralWeight = 10;
constexpr int kMaxScore = 100;

constexpr std::string_view kElderlyGroup = "elderly_unsupported";
constexpr std::string_view kElderlyIndicator = "elderly_no_support";
constexpr std::string_view kRuralGroup = "rural_poverty_risk";

json to_json(const Reason& r) {
    json j{{"kind", r.kind}, {"value", r.value}, {"weight", r.weight}};
    if (r.evidence) j["evidence"] = {{"begin", r.evidence->begin}, {"end", r.evidence->end}};
    return j;
}

json to_json(const std::vector<Reason>& reasons) {
    json arr = json::array();
    for (const auto& r : reasons) arr.push_back(to_json(r));
    return arr;
}

// Integers only: 60.5 or true as a weight is a mistake in the file, not a value to round.
std::optional<std::int64_t> as_integer(const json& j) {
    if (j.is_number_integer()) {
        if (j.is_number_unsigned()) {
            auto u = j.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return std::nullopt;
            return static_cast<std::int64_t>(u);
        }
        return j.get<std::int64_t>();
    }
    return std::nullopt;
}

// Rejects any member not in `allowed`: a typo such as "urgnet" would otherwise silently
// turn an urgent rule into a non-urgent one.
std::optional<std::string> unknown_member(const json& obj, std::string_view place,
                                          std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            return std::string(place) + ": unknown member '" + key + "'";
        }
    }
    return std::nullopt;
}

Expected<IndicatorRule, std::string> parse_rule(const json& doc, const std::string& place) {
    if (!doc.is_object()) return unexpected(place + ": must be an object");
    if (auto e = unknown_member(doc, place, {"groups", "urgent", "aggravating"}))
        return unexpected(*e);
    IndicatorRule rule;
    auto groups = doc.find("groups");
    if (groups == doc.end()) return unexpected(place + ".groups: is required");
    if (!groups->is_object()) return unexpected(place + ".groups: must be an object");
    for (const auto& [group, weight] : groups->items()) {
        if (!vocabulary::is_key_group(group)) {
            return unexpected(place + ".groups: unknown key group '" + group + "'");
        }
        auto w = as_integer(weight);
        if (!w || *w < 1 || *w > kMaxScore) {
            return unexpected(place + ".groups." + group + ": weight must be an integer 1-100");
        }
        rule.groups.emplace_back(group, static_cast<int>(*w));
    }
    if (auto urgent = doc.find("urgent"); urgent != doc.end()) {
        if (!urgent->is_boolean()) return unexpected(place + ".urgent: must be a boolean");
        rule.urgent = urgent->get<bool>();
    }
    if (auto aggravating = doc.find("aggravating"); aggravating != doc.end()) {
        if (!aggravating->is_boolean()) {
            return unexpected(place + ".aggravating: must be a boolean");
        }
        rule.aggravating = aggravating->get<bool>();
    }
    return rule;
}

Expected<std::pair<int, int>, std::string> parse_thresholds(const json& doc) {
    if (!doc.is_object()) return unexpected(std::string("thresholds: must be an object"));
    if (auto e = unknown_member(doc, "thresholds", {"high", "normal"})) return unexpected(*e);
    std::array<std::int64_t, 2> values{};
    std::array<std::string_view, 2> names{"high", "normal"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto it = doc.find(names[i]);
        if (it == doc.end()) {
            return unexpected("thresholds." + std::string(names[i]) + ": is required");
        }
        auto v = as_integer(*it);
        if (!v) return unexpected("thresholds." + std::string(names[i]) + ": must be an integer");
        values[i] = *v;
    }
    auto [high, normal] = values;
    if (!(0 < normal && normal < high && high <= kMaxScore)) {
        return unexpected(std::string("thresholds: must satisfy 0 < normal < high <= 100"));
    }
    return std::pair{static_cast<int>(high), static_cast<int>(normal)};
}

void add_reason(std::map<std::string, GroupMatch>& groups, const std::string& group,
                Reason reason) {
    auto& match = groups[group];
    match.group = group;
    match.score += reason.weight;
    match.reasons.push_back(std::move(reason));
}

}  // namespace

std::string_view to_string(Priority p) {
    return kPriorities.at(static_cast<std::size_t>(p));
}

std::optional<Priority> parse_priority(std::string_view text) {
    for (std::size_t i = 0; i < kPriorities.size(); ++i) {
        if (kPriorities[i] == text) return static_cast<Priority>(i);
    }
    return std::nullopt;
}

nlohmann::json to_json(const Screening& s) {
    json groups = json::array();
    for (const auto& g : s.groups) {
        groups.push_back({{"group", g.group}, {"score", g.score}, {"reasons", to_json(g.reasons)}});
    }
    return {{"score", s.score},
            {"priority", to_string(s.priority)},
            {"criteria_version", s.criteria_version},
            {"key_groups", std::move(groups)},
            {"urgency_reasons", to_json(s.urgency_reasons)}};
}

Expected<Criteria, std::string> parse_criteria(const nlohmann::json& doc) {
    if (!doc.is_object()) return unexpected(std::string("criteria: must be an object"));
    if (auto e = unknown_member(doc, "criteria",
                                {"version", "indicators", "thresholds", "elderly_age"})) {
        return unexpected(*e);
    }
    Criteria criteria;

    auto version = doc.find("version");
    if (version == doc.end()) return unexpected(std::string("version: is required"));
    if (!version->is_string() || version->get_ref<const std::string&>().empty()) {
        return unexpected(std::string("version: must be a non-empty string"));
    }
    criteria.version = version->get<std::string>();

    auto indicators = doc.find("indicators");
    if (indicators == doc.end()) return unexpected(std::string("indicators: is required"));
    if (!indicators->is_object()) return unexpected(std::string("indicators: must be an object"));
    for (const auto& [id, rule_doc] : indicators->items()) {
        if (!vocabulary::is_indicator(id)) {
            return unexpected("indicators: unknown indicator '" + id + "'");
        }
        auto rule = parse_rule(rule_doc, "indicators." + id);
        if (!rule) return unexpected(rule.error());
        criteria.indicators.emplace(id, std::move(*rule));
    }

    auto thresholds = doc.find("thresholds");
    if (thresholds == doc.end()) return unexpected(std::string("thresholds: is required"));
    auto t = parse_thresholds(*thresholds);
    if (!t) return unexpected(t.error());
    criteria.high_threshold = t->first;
    criteria.normal_threshold = t->second;

    auto elderly = doc.find("elderly_age");
    if (elderly == doc.end()) return unexpected(std::string("elderly_age: is required"));
    auto age = as_integer(*elderly);
    if (!age || *age < 40 || *age > 100) {
        return unexpected(std::string("elderly_age: must be an integer 40-100"));
    }
    criteria.elderly_age = static_cast<int>(*age);
    return criteria;
}

// Indicators are read in id order, not in the order the operator ticked them, so that the
// same set of ticks always yields the same reasons in the same order.
Screening screen(const Clue& clue, const Criteria& criteria, CivilDate today) {
    Screening result;
    result.criteria_version = criteria.version;

    const std::set<std::string> ticked(clue.indicators.begin(), clue.indicators.end());
    std::map<std::string, GroupMatch> groups;  // ordered, for determinism

    // Two passes: indicators that establish groups, then aggravating ones that only
    // strengthen what the first pass found.
    for (const bool aggravating_pass : {false, true}) {
        for (const auto& indicator : ticked) {
            auto rule = criteria.indicators.find(indicator);
            if (rule == criteria.indicators.end()) continue;  // the criteria ignore it
            if (rule->second.aggravating != aggravating_pass) continue;
            for (const auto& [group, weight] : rule->second.groups) {
                if (aggravating_pass && !groups.contains(group)) continue;
                add_reason(groups, group, Reason{"indicator", indicator, weight, std::nullopt});
            }
        }
    }
    for (const auto& indicator : ticked) {
        auto rule = criteria.indicators.find(indicator);
        if (rule == criteria.indicators.end()) continue;
        if (rule->second.urgent) {
            // Urgency is a flag, not a score: the weight says nothing here.
            result.urgency_reasons.push_back(Reason{"indicator", indicator, 0, std::nullopt});
        }
    }

    // Age alone does not make a woman unsupported: it only strengthens a group that an
    // indicator already points at, or the operator's own "no one supports her" tick.
    if (auto age = subject_age(clue.subject, today); age && *age >= criteria.elderly_age) {
        const std::string group(kElderlyGroup);
        const bool matched = groups.contains(group);
        if (matched || ticked.contains(std::string(kElderlyIndicator))) {
            add_reason(groups, group,
                       Reason{"age", "age>=" + std::to_string(criteria.elderly_age), kAgeWeight,
                              std::nullopt});
        }
    }

    // Likewise living in the countryside strengthens, but never creates, the poverty group.
    if (clue.subject.rural) {
        if (auto it = groups.find(std::string(kRuralGroup)); it != groups.end()) {
            add_reason(groups, it->first, Reason{"rural", "rural", kRuralWeight, std::nullopt});
        }
    }

    for (auto& [id, match] : groups) {
        match.score = std::min(match.score, kMaxScore);
        result.score = std::max(result.score, match.score);
        result.groups.push_back(std::move(match));
    }
    std::stable_sort(result.groups.begin(), result.groups.end(),
                     [](const GroupMatch& a, const GroupMatch& b) {
                         if (a.score != b.score) return a.score > b.score;
                         return a.group < b.group;
                     });

    if (!result.urgency_reasons.empty()) {
        result.priority = Priority::urgent;
    } else if (result.score >= criteria.high_threshold) {
        result.priority = Priority::high;
    } else if (result.score >= criteria.normal_threshold) {
        result.priority = Priority::normal;
    } else {
        result.priority = Priority::low;
    }
    return result;
}

}  // namespace clue_router::domain
