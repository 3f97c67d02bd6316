#include "clue_router/domain/routing_rules.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;

bool is_id(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    });
}

// Reports the first problem as "pointer: detail"; a rules file is fixed by a person, one
// problem at a time is enough and keeps the message short.
struct Failure {
    std::string message;
};

void check_members(const json& obj, const std::string& pointer,
                   std::initializer_list<std::string_view> known) {
    if (!obj.is_object()) throw Failure{pointer + ": must be an object"};
    for (const auto& [key, value] : obj.items()) {
        if (key.starts_with("_")) continue;  // "_comment"
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            throw Failure{pointer + "/" + key + ": unknown member"};
        }
    }
}

std::string string_at(const json& obj, const std::string& pointer, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
        throw Failure{pointer + "/" + key + ": is required and must be a string"};
    }
    return it->get<std::string>();
}

template <class Known>
std::vector<std::string> list_at(const json& obj, const std::string& pointer, const char* key,
                                 Known&& known, const char* what) {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    if (!it->is_array() || it->empty()) {
        throw Failure{pointer + "/" + key + ": must be a non-empty array"};
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& v = (*it)[i];
        const std::string at = pointer + "/" + key + "/" + std::to_string(i);
        if (!v.is_string()) throw Failure{at + ": must be a string"};
        if (!known(v.get<std::string>())) throw Failure{at + ": is not a known " + what};
        out.push_back(v.get<std::string>());
    }
    return out;
}

}  // namespace

const PurposeRule* RoutingRules::purpose(std::string_view id) const {
    for (const auto& p : purposes) {
        if (p.id == id) return &p;
    }
    return nullptr;
}

Expected<RoutingRules, std::string> parse_routing_rules(const json& doc) {
    try {
        check_members(doc, "", {"version", "review_below_score", "purposes", "rules"});
        RoutingRules rules;
        rules.version = string_at(doc, "", "version");
        if (rules.version.empty()) throw Failure{"/version: must not be empty"};
        if (auto it = doc.find("review_below_score"); it != doc.end()) {
            if (!it->is_number_integer() || it->get<int>() < 0 || it->get<int>() > 100) {
                throw Failure{"/review_below_score: must be a whole number from 0 to 100"};
            }
            rules.review_below_score = it->get<int>();
        }

        auto purposes = doc.find("purposes");
        if (purposes == doc.end() || !purposes->is_array() || purposes->empty()) {
            throw Failure{"/purposes: is required and must be a non-empty array"};
        }
        std::set<std::string> purpose_ids;
        for (std::size_t i = 0; i < purposes->size(); ++i) {
            const std::string at = "/purposes/" + std::to_string(i);
            const json& p = (*purposes)[i];
            check_members(p, at, {"id", "agency_kind", "service"});
            PurposeRule rule;
            rule.id = string_at(p, at, "id");
            if (!is_id(rule.id)) throw Failure{at + "/id: must be 1 to 64 of a-z 0-9 . _ -"};
            if (!purpose_ids.insert(rule.id).second) throw Failure{at + "/id: is repeated"};
            rule.agency_kind = string_at(p, at, "agency_kind");
            if (!vocabulary::is_agency_kind(rule.agency_kind)) {
                throw Failure{at + "/agency_kind: is not a known agency kind"};
            }
            if (p.contains("service")) {
                rule.service = string_at(p, at, "service");
                if (!vocabulary::is_service(*rule.service)) {
                    throw Failure{at + "/service: is not a known service"};
                }
            }
            rules.purposes.push_back(std::move(rule));
        }

        auto triggers = doc.find("rules");
        if (triggers == doc.end() || !triggers->is_array()) {
            throw Failure{"/rules: is required and must be an array"};
        }
        std::set<std::string> rule_ids;
        for (std::size_t i = 0; i < triggers->size(); ++i) {
            const std::string at = "/rules/" + std::to_string(i);
            const json& r = (*triggers)[i];
            check_members(r, at, {"id", "when", "purposes"});
            PurposeTrigger trigger;
            trigger.id = string_at(r, at, "id");
            if (!is_id(trigger.id)) throw Failure{at + "/id: must be 1 to 64 of a-z 0-9 . _ -"};
            if (!rule_ids.insert(trigger.id).second) throw Failure{at + "/id: is repeated"};
            if (auto when = r.find("when"); when != r.end()) {
                const std::string w = at + "/when";
                check_members(*when, w,
                              {"channels", "sender_kinds", "sender_kinds_not", "key_groups"});
                trigger.when.channels =
                    list_at(*when, w, "channels", vocabulary::is_channel, "channel");
                trigger.when.sender_kinds =
                    list_at(*when, w, "sender_kinds", vocabulary::is_agency_kind, "agency kind");
                trigger.when.sender_kinds_not = list_at(*when, w, "sender_kinds_not",
                                                        vocabulary::is_agency_kind, "agency kind");
                trigger.when.key_groups =
                    list_at(*when, w, "key_groups", vocabulary::is_key_group, "key group");
            }
            trigger.purposes = list_at(
                r, at, "purposes", [&](const std::string& id) { return purpose_ids.contains(id); },
                "purpose (declare it under /purposes)");
            if (trigger.purposes.empty()) throw Failure{at + "/purposes: is required"};
            rules.rules.push_back(std::move(trigger));
        }
        return rules;
    } catch (const Failure& f) {
        return unexpected("routing rules " + f.message);
    }
}

}  // namespace clue_router::domain
