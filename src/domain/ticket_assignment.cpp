#include "clue_router/domain/ticket_assignment.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/text_checks.hpp"

namespace clue_router::domain {

namespace {

constexpr std::string_view kPersonPrefix = "psn_";
constexpr const char* kAssigneeRule = "must be \"me\", a person's id (psn_…) or null";

}  // namespace

bool is_person_id(std::string_view text) {
    return text.starts_with(kPersonPrefix) && is_lowercase_uuid(text.substr(kPersonPrefix.size()));
}

Expected<AssigneeRef, FieldErrors> parse_assignment_request(const nlohmann::json& body) {
    if (!body.is_object()) return unexpected(FieldErrors{{"", "must be a JSON object"}});
    FieldErrors errors;
    for (const auto& [key, value] : body.items()) {
        if (key != "assignee") errors.push_back({"/" + json_pointer_token(key), "unknown member"});
    }
    AssigneeRef ref;
    const auto it = body.find("assignee");
    if (it == body.end()) {
        errors.push_back({"/assignee", std::string("is required: ") + kAssigneeRule});
    } else if (it->is_null()) {
        ref.kind = AssigneeRef::Kind::nobody;
    } else if (!it->is_string()) {
        errors.push_back({"/assignee", kAssigneeRule});
    } else if (const auto& text = it->get_ref<const std::string&>(); text == "me") {
        ref.kind = AssigneeRef::Kind::me;
    } else if (is_person_id(text)) {
        ref = {AssigneeRef::Kind::person, text};
    } else {
        errors.push_back({"/assignee", kAssigneeRule});
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return ref;
}

std::optional<AssigneeRef> parse_assignee_filter(std::string_view value) {
    if (value == "me") return AssigneeRef{AssigneeRef::Kind::me, {}};
    if (value == "none") return AssigneeRef{AssigneeRef::Kind::nobody, {}};
    if (is_person_id(value)) return AssigneeRef{AssigneeRef::Kind::person, std::string(value)};
    return std::nullopt;
}

std::optional<std::string> assignment_event_type(const std::optional<std::string>& from,
                                                 const std::optional<std::string>& to) {
    if (from == to) return std::nullopt;
    return to ? "ticket.assigned" : "ticket.unassigned";
}

}  // namespace clue_router::domain
