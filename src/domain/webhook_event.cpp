#include "clue_router/domain/webhook_event.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

namespace clue_router::domain {

namespace {

using namespace std::string_view_literals;

// Stored event type → webhook type. An empty webhook type means "not delivered".
constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kTicketEvents{{
    {"ticket.created"sv, "ticket.created"sv},
    {"ticket.accepted"sv, "ticket.accepted"sv},
    {"ticket.rejected"sv, "ticket.rejected"sv},
    {"ticket.started"sv, "ticket.started"sv},
    {"ticket.on_hold"sv, "ticket.on_hold"sv},
    {"ticket.resumed"sv, "ticket.resumed"sv},
    {"ticket.closed"sv, "ticket.closed"sv},
    {"ticket.cancelled"sv, "ticket.cancelled"sv},
    {"ticket.overdue"sv, "ticket.overdue"sv},
    {"ticket.escalated"sv, "ticket.escalated"sv},
    {"ticket.rerouted"sv, "ticket.rerouted"sv},
    {"ticket.clue_added"sv, "ticket.clue_added"sv},
    {"ticket.clue_removed"sv, "ticket.clue_removed"sv},
    {"ticket.note_added"sv, "ticket.note_added"sv},
    {"ticket.measure_added"sv, "ticket.measure_added"sv},
    {"ticket.measure_updated"sv, "ticket.measure_updated"sv},
    {"ticket.assigned"sv, "ticket.assigned"sv},
    {"ticket.unassigned"sv, "ticket.unassigned"sv},
}};

constexpr std::array kAllTypes{
    "ticket.created"sv,         "ticket.accepted"sv,   "ticket.rejected"sv,
    "ticket.started"sv,         "ticket.on_hold"sv,    "ticket.resumed"sv,
    "ticket.closed"sv,          "ticket.cancelled"sv,  "ticket.overdue"sv,
    "ticket.escalated"sv,       "ticket.rerouted"sv,   "ticket.clue_added"sv,
    "ticket.clue_removed"sv,    "ticket.note_added"sv, "ticket.measure_added"sv,
    "ticket.measure_updated"sv, "ticket.assigned"sv,   "ticket.unassigned"sv,
    "clue.needs_review"sv,      "clue.answered"sv};

}  // namespace

std::optional<std::string> webhook_type_for_event(std::string_view event_type) {
    for (const auto& [stored, delivered] : kTicketEvents) {
        if (stored == event_type) {
            if (delivered.empty()) return std::nullopt;
            return std::string(delivered);
        }
    }
    if (event_type.starts_with("ticket.")) return std::string(event_type);
    return std::nullopt;
}

WebhookAudience webhook_audience(std::string_view event_type) {
    if (event_type == "ticket.clue_added" || event_type == "ticket.clue_removed") {
        return WebhookAudience::recipient;
    }
    if (event_type == "ticket.note_added") return WebhookAudience::case_agencies;
    // Who of the recipient's staff takes a ticket is how the recipient shares out its own
    // work: it is told; the others read the assignee on the ticket when they fetch it.
    if (event_type == "ticket.assigned" || event_type == "ticket.unassigned") {
        return WebhookAudience::recipient;
    }
    return WebhookAudience::parties;
}

std::span<const std::string_view> known_webhook_types() {
    return kAllTypes;
}

bool is_webhook_type(std::string_view type) {
    return std::find(kAllTypes.begin(), kAllTypes.end(), type) != kAllTypes.end() ||
           (type.starts_with("ticket.") && type.size() > 7 && type.size() <= 64);
}

nlohmann::json ticket_webhook_payload(const std::string& type, const TicketEvent& event,
                                      const Ticket& ticket) {
    nlohmann::json data{{"ticket_id", ticket.id},
                        {"clue_id", ticket.clue_id},
                        {"sender_agency", ticket.sender_agency},
                        {"recipient_agency", ticket.recipient_agency},
                        {"purpose", ticket.purpose},
                        {"priority", to_string(ticket.priority)},
                        {"status", event.to_status},
                        {"version", ticket.version},
                        {"event_sequence", event.sequence},
                        {"actor_agency", event.actor_agency}};
    if (event.from_status) data["previous_status"] = *event.from_status;
    if (event.outcome) data["outcome"] = *event.outcome;
    if (event.reason_code) data["reason_code"] = *event.reason_code;
    if (ticket.case_id) data["case_id"] = *ticket.case_id;
    // Ids only: the receiver reads the clue, the note or the measure with its own key.
    if (event.related_clue) data["related_clue"] = *event.related_clue;
    if (event.note_id) data["note_id"] = *event.note_id;
    if (event.measure_id) data["measure_id"] = *event.measure_id;
    if (event.assignee) data["assignee"] = *event.assignee;
    if (event.previous_assignee) data["previous_assignee"] = *event.previous_assignee;
    return {{"type", type}, {"timestamp", format_rfc3339(event.at)}, {"data", std::move(data)}};
}

nlohmann::json clue_webhook_payload(const std::string& type, const std::string& clue_id,
                                    std::string_view status, const std::string& sender_agency,
                                    Timestamp at) {
    return {{"type", type},
            {"timestamp", format_rfc3339(at)},
            {"data", {{"clue_id", clue_id}, {"status", status}, {"sender_agency", sender_agency}}}};
}

}  // namespace clue_router::domain
