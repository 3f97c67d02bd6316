#pragma once
// What partners are told, and how (DESIGN §4 "Event → outbox → webhook"). One table maps a
// stored event type to the webhook type partners subscribe to; the payload is thin: ids,
// statuses, the outcome — never a reason, a narrative or anything about the woman, so a
// wrong URL leaks no one's story. The receiver fetches details with its own key.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/ticket.hpp"

namespace clue_router::domain {

// The webhook type of a ticket event, or nullopt when partners are not told of it. Event
// types the table does not list but that start with "ticket." are delivered under their own
// name, so events added later (overdue, escalated, rerouted…) reach partners without a
// change here.
std::optional<std::string> webhook_type_for_event(std::string_view event_type);

// Who is told of a ticket event. parties: the ticket's sender and recipient (and the agency
// it was escalated to); recipient: only its recipient — a clue joining or leaving the ticket
// is named to no one who may not read that clue (a sender may be another woman's hotline);
// case_agencies: every agency holding a ticket of the case that it has not rejected and that
// was not cancelled (notes are for the agencies working the case). Assignments go to the
// recipient only: they share out its own work.
enum class WebhookAudience { parties, recipient, case_agencies };
WebhookAudience webhook_audience(std::string_view event_type);

// Every webhook type an endpoint may subscribe to (the table's, and the clue ones).
std::span<const std::string_view> known_webhook_types();
bool is_webhook_type(std::string_view type);

// {"type", "timestamp", "data": {ticket_id, clue_id, status, previous_status, …}}
nlohmann::json ticket_webhook_payload(const std::string& type, const TicketEvent& event,
                                      const Ticket& ticket);
// {"type", "timestamp", "data": {clue_id, status, sender_agency}}
nlohmann::json clue_webhook_payload(const std::string& type, const std::string& clue_id,
                                    std::string_view status, const std::string& sender_agency,
                                    Timestamp at);

}  // namespace clue_router::domain
