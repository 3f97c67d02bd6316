#include "clue_router/domain/review_request.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "clue_router/domain/text_checks.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxText = 500;
constexpr std::size_t kMaxRoutes = 10;

std::optional<std::string> text_at(const json& v, const std::string& pointer, std::size_t max,
                                   FieldErrors& errors) {
    if (!v.is_string()) {
        errors.push_back({pointer, "must be a string"});
        return std::nullopt;
    }
    const auto& s = v.get_ref<const std::string&>();
    const TextScan scan = scan_text(s, true);
    if (!scan.valid_utf8 || scan.has_control) {
        errors.push_back({pointer, "must be valid UTF-8 without control characters"});
    } else if (scan.code_points < 1 || scan.code_points > max) {
        errors.push_back({pointer, "must be 1 to " + std::to_string(max) + " characters"});
    } else {
        return s;
    }
    return std::nullopt;
}

void unknown_members(const json& obj, std::initializer_list<std::string_view> known,
                     const std::string& prefix, FieldErrors& errors) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            errors.push_back({prefix + "/" + json_pointer_token(key), "unknown member"});
        }
    }
}

}  // namespace

Expected<HandRouting, FieldErrors> parse_hand_routing(const json& body) {
    FieldErrors errors;
    if (!body.is_object()) return unexpected(FieldErrors{{"", "must be a JSON object"}});
    unknown_members(body, {"routes", "note", "consent_obtained"}, "", errors);
    HandRouting out;
    auto routes = body.find("routes");
    if (routes == body.end()) {
        errors.push_back({"/routes", "is required"});
    } else if (!routes->is_array() || routes->empty() || routes->size() > kMaxRoutes) {
        errors.push_back({"/routes", "must be an array of 1 to 10 routes"});
    } else {
        for (std::size_t i = 0; i < routes->size(); ++i) {
            const json& r = (*routes)[i];
            const std::string at = "/routes/" + std::to_string(i);
            if (!r.is_object()) {
                errors.push_back({at, "must be an object"});
                continue;
            }
            unknown_members(r, {"agency", "purpose"}, at, errors);
            HandRoute route;
            for (const char* member : {"agency", "purpose"}) {
                auto it = r.find(member);
                if (it == r.end()) {
                    errors.push_back({at + "/" + member, "is required"});
                    continue;
                }
                auto text = text_at(*it, at + "/" + member, 64, errors);
                if (text) (std::string(member) == "agency" ? route.agency : route.purpose) = *text;
            }
            const bool repeated =
                std::any_of(out.routes.begin(), out.routes.end(), [&](const HandRoute& other) {
                    return other.agency == route.agency && other.purpose == route.purpose;
                });
            if (repeated && !route.agency.empty()) {
                errors.push_back({at, "repeats an earlier route"});
            }
            out.routes.push_back(std::move(route));
        }
    }
    if (auto it = body.find("note"); it != body.end() && !it->is_null()) {
        out.note = text_at(*it, "/note", kMaxText, errors);
    }
    if (auto it = body.find("consent_obtained"); it != body.end()) {
        if (!it->is_boolean()) {
            errors.push_back({"/consent_obtained", "must be true or false"});
        } else {
            out.consent_obtained = it->get<bool>();
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

Expected<Dismissal, FieldErrors> parse_dismissal(const json& body) {
    FieldErrors errors;
    if (!body.is_object()) return unexpected(FieldErrors{{"", "must be a JSON object"}});
    unknown_members(body, {"reason"}, "", errors);
    Dismissal out;
    if (auto it = body.find("reason"); it == body.end()) {
        errors.push_back({"/reason", "is required to dismiss a clue"});
    } else if (auto text = text_at(*it, "/reason", kMaxText, errors)) {
        out.reason = *text;
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

}  // namespace clue_router::domain
