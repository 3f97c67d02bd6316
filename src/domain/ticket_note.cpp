#include "clue_router/domain/ticket_note.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/text_checks.hpp"

namespace clue_router::domain {

namespace {
constexpr std::size_t kMaxNoteCodePoints = 4000;
}  // namespace

nlohmann::json to_json(const TicketNote& note) {
    nlohmann::json j{{"id", note.id},
                     {"ticket_id", note.ticket_id},
                     {"author_agency", note.author_agency},
                     {"author_key", note.author_key},
                     {"created_at", format_rfc3339(note.created_at)}};
    if (note.author_person) {
        j["author_person"] = {{"id", *note.author_person},
                              {"display_name", note.author_name.value_or("")}};
    }
    if (note.text) j["text"] = *note.text;
    return j;
}

Expected<std::string, FieldErrors> parse_note(const nlohmann::json& body) {
    if (!body.is_object()) return unexpected(FieldErrors{{"", "must be a JSON object"}});
    FieldErrors errors;
    for (const auto& [key, value] : body.items()) {
        if (key != "text") errors.push_back({"/" + json_pointer_token(key), "unknown member"});
    }
    std::string text;
    const auto it = body.find("text");
    if (it == body.end()) {
        errors.push_back({"/text", "is required"});
    } else if (!it->is_string()) {
        errors.push_back({"/text", "must be a string"});
    } else {
        const TextScan scan = scan_text(it->get_ref<const std::string&>(), true);
        if (!scan.valid_utf8) {
            errors.push_back({"/text", "must be valid UTF-8"});
        } else if (scan.has_control) {
            errors.push_back({"/text", "must not contain control characters"});
        } else if (scan.code_points < 1 || scan.code_points > kMaxNoteCodePoints) {
            errors.push_back({"/text", "must be 1-4000 characters"});
        } else {
            text = it->get<std::string>();
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return text;
}

}  // namespace clue_router::domain
