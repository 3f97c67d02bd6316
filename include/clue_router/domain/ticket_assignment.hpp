#pragma once
// Taking tickets (issue 15): a ticket may be assigned to a person of its recipient agency —
// claimed by herself, assigned by a colleague, or given back. This parses what a request
// names and what an inbox filter selects, without knowing who asks: the service resolves
// "me" to the person signed in (a key is nobody: 422) and checks the person named against
// the ticket's recipient agency.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"

namespace clue_router::domain {

// "psn_" and a lower-case UUID (8-4-4-4-12 hex digits): the shape of a person's id.
bool is_person_id(std::string_view text);

// Whom a request or a filter names.
struct AssigneeRef {
    enum class Kind {
        me,      // the person signed in
        person,  // the person with person_id
        nobody,  // no one: unassign, or (as a filter) the tickets nobody took
    };
    Kind kind = Kind::nobody;
    std::string person_id;  // with person
    bool operator==(const AssigneeRef&) const = default;
};

// POST /v1/tickets/{id}/assignment: {"assignee": "me" | "psn_…" | null}; errors point at
// /assignee (required, one of those) and at any other member.
Expected<AssigneeRef, FieldErrors> parse_assignment_request(const nlohmann::json& body);

// GET /v1/tickets?assignee=me | none | psn_…; nullopt for anything else.
std::optional<AssigneeRef> parse_assignee_filter(std::string_view value);

// The event an assignment writes: "ticket.assigned" when the ticket gets an assignee (taken,
// or handed from one person to another), "ticket.unassigned" when it loses her; nullopt when
// the assignee stays the same (nothing is written, the version stays).
std::optional<std::string> assignment_event_type(const std::optional<std::string>& from,
                                                 const std::optional<std::string>& to);

}  // namespace clue_router::domain
