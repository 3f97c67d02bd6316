#include "clue_router/service/ticket_views.hpp"

#include <algorithm>

namespace clue_router::service {

domain::Ticket full_view(storage::Reader& reader, const ScopedCase& scoped,
                         const std::string& ticket_id) {
    domain::Ticket ticket = scoped.scope->ticket_view(ticket_in(scoped.facts, ticket_id));
    ticket.measures = reader.measures_of(ticket_id);
    if (const auto closure = reader.closure_of(ticket_id)) {
        ticket.follow_up_ticket = closure->follow_up_ticket;
    }
    return ticket;
}

nlohmann::json history_view(storage::Reader& reader, const CaseScope& scope,
                            const std::string& ticket_id, bool& notes_shown) {
    notes_shown = false;
    std::vector<domain::TicketNote> notes;
    if (scope.sees_notes()) notes = reader.notes_of(ticket_id);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : reader.ticket_history(ticket_id)) {
        nlohmann::json item = domain::to_json(e);
        if (e.related_clue && !scope.sees_clue(*e.related_clue)) {
            // Another sender's clue is not even named to a reporter; the agencies working the
            // case are told a clue came or went, without the id of one they cannot read (it
            // left for another case).
            if (!scope.handler()) continue;
            item.erase("related_clue");
        }
        if (e.note_id) {
            if (!scope.sees_notes()) continue;
            const auto note = std::find_if(notes.begin(), notes.end(),
                                           [&](const auto& n) { return n.id == *e.note_id; });
            if (note != notes.end()) {
                domain::TicketNote shown = *note;
                if (!scope.sees_note_text()) shown.text.reset();
                notes_shown = notes_shown || shown.text.has_value();
                item["note"] = domain::to_json(shown);
            }
        }
        items.push_back(std::move(item));
    }
    return nlohmann::json{{"items", std::move(items)}};
}

nlohmann::json status_history(const std::vector<domain::TicketEvent>& events) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : events) {
        const bool change =
            e.type == "ticket.created" || (e.from_status && *e.from_status != e.to_status);
        if (!change) continue;
        nlohmann::json item{{"type", e.type},
                            {"to_status", e.to_status},
                            {"at", domain::format_rfc3339(e.at)},
                            {"actor_agency", e.actor_agency}};
        if (e.from_status) item["from_status"] = *e.from_status;
        if (e.reason_code) item["reason_code"] = *e.reason_code;
        if (e.outcome) item["outcome"] = *e.outcome;
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace clue_router::service
