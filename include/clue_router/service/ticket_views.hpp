#pragma once
// What a reader is shown of a ticket, decided by its case's scope (service/case_scope): the
// ticket with its measures and the clues it carries, its history with notes, and the short
// status history the case view lists. Shared by the ticket and the case reads.
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// The ticket of the scoped case as its reader may see it, with measures and follow-up.
domain::Ticket full_view(storage::Reader& reader, const ScopedCase& scoped,
                         const std::string& ticket_id);

// {"items": […]}: the events, each note's event with the note (its text only for the agencies
// working the case; `notes_shown` tells whether any text is in the reply), without the events
// about clues the reader may not see.
nlohmann::json history_view(storage::Reader& reader, const CaseScope& scope,
                            const std::string& ticket_id, bool& notes_shown);

// The status changes of a ticket, for the case view: type, from_status, to_status, at,
// actor_agency, reason_code and outcome, never a reason's text.
nlohmann::json status_history(const std::vector<domain::TicketEvent>& events);

}  // namespace clue_router::service
