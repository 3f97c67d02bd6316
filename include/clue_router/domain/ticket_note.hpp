#pragma once
// A note on a ticket: what an agency working the case wants its partners to know — a visit,
// a call, where she is staying now. Free text that will hold names and addresses: sealed at
// rest like the narrative, shown only to the agencies of the case, never put in a webhook.
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

struct TicketNote {
    std::string id;
    std::string ticket_id;
    std::string author_agency;
    std::string author_key;  // the key id (never the key)
    // nullopt once retention purged it, or for a reader who may see that a note exists but
    // not what it says.
    std::optional<std::string> text;
    Timestamp created_at{};
    // The person who wrote it, when one signed in did (issue 15): her account id and her
    // display name as it was then. Empty for a key's note.
    std::optional<std::string> author_person{};
    std::optional<std::string> author_name{};
};

// {"id", "ticket_id", "author_agency", "author_key", "author_person"?: {"id", "display_name"},
//  "created_at", "text"?}
nlohmann::json to_json(const TicketNote& note);

// POST /v1/tickets/{id}/notes: {"text": 1-4000 characters, line breaks allowed}.
Expected<std::string, FieldErrors> parse_note(const nlohmann::json& body);

}  // namespace clue_router::domain
