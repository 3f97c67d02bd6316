#include "clue_router/service/ticket_routing.hpp"

#include <algorithm>

#include "clue_router/domain/routing.hpp"
#include "clue_router/service/case_membership.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

domain::Ticket new_ticket(const TicketSpec& spec, const domain::DeadlinePolicy& deadlines,
                          domain::Timestamp now) {
    domain::Ticket t;
    t.id = new_uuid_v7(now);
    t.clue_id = spec.clue_id;
    t.sender_agency = spec.sender_agency;
    t.recipient_agency = spec.recipient_agency;
    t.purpose = spec.purpose;
    t.status = domain::TicketStatus::pending;
    t.priority = spec.priority;
    t.version = 1;
    t.created_at = now;
    t.updated_at = now;
    const auto due = domain::deadlines_for(deadlines, spec.priority, now);
    t.accept_by = due.accept_by;
    t.close_by = due.close_by;
    return t;
}

void store_new_ticket(storage::WriteTransaction& tx, const domain::Ticket& ticket,
                      const EventActor& actor, std::optional<std::string> reason,
                      std::optional<std::string> related_ticket,
                      std::optional<std::string> related_agency,
                      const std::vector<std::string>& carries) {
    tx.insert_ticket(ticket);
    for (const auto& clue_id : carries) tx.cover(ticket.id, clue_id, ticket.created_at);
    domain::TicketEvent created;
    created.ticket_id = ticket.id;
    created.type = "ticket.created";
    created.to_status = std::string(domain::to_string(ticket.status));
    created.actor_agency = actor.agency;
    created.actor_key = actor.key;
    created.reason = std::move(reason);
    created.related_ticket = std::move(related_ticket);
    created.related_agency = std::move(related_agency);
    created.at = ticket.created_at;
    tx.append_event(created);
}

std::optional<domain::Ticket> reroute_after_rejection(storage::WriteTransaction& tx,
                                                      const domain::Ticket& rejected,
                                                      const RuntimeConfig& config,
                                                      domain::Timestamp now) {
    const auto origin = tx.clue_ref(rejected.clue_id);
    if (!origin) throw storage::StorageError("a ticket refers to a clue that is not stored");
    const auto facts = tx.case_facts(origin->case_id);
    if (!facts) throw storage::StorageError("a clue names a case that is not stored");

    const EventActor system{std::string(kSystemActor), std::string(kSystemActor)};
    domain::TicketEvent event;
    event.ticket_id = rejected.id;
    event.from_status = std::string(domain::to_string(rejected.status));
    event.to_status = event.from_status.value();
    event.actor_agency = system.agency;
    event.actor_key = system.key;
    event.at = now;

    // Another open ticket of the case serves the purpose: it carries on with these clues.
    for (const auto& t : facts->tickets) {
        if (t.id == rejected.id || t.purpose != rejected.purpose || domain::is_terminal(t.status)) {
            continue;
        }
        for (const auto& cover : facts->coverage) {
            if (cover.ticket_id != rejected.id || !tx.cover(t.id, cover.clue_id, now)) continue;
            domain::TicketEvent gained;
            gained.ticket_id = t.id;
            gained.type = "ticket.clue_added";
            gained.to_status = std::string(domain::to_string(t.status));
            gained.actor_agency = system.agency;
            gained.actor_key = system.key;
            gained.related_clue = cover.clue_id;
            gained.at = now;
            tx.append_event(gained);
        }
        event.type = "ticket.rerouted";
        event.reason = "another open ticket of the case serves this purpose";
        event.related_ticket = t.id;
        event.related_agency = t.recipient_agency;
        tx.append_event(event);
        return t;
    }

    std::optional<std::string> recipient;
    if (const auto* purpose = config.routing.purpose(rejected.purpose)) {
        recipient =
            domain::find_recipient(*purpose, origin->region, config.directory,
                                   origin->sender_agency, excluded_for(*facts, rejected.purpose));
    }
    if (!recipient) {
        auto clue = tx.find_clue(rejected.clue_id);
        if (!clue) throw storage::StorageError("a ticket refers to a clue that is not stored");
        clue->status = storage::ClueStatus::needs_review;
        clue->review_reason = std::string(domain::review_reasons::rejected_everywhere);
        tx.update_clue_review(*clue);
        tx.enqueue_clue_webhook("clue.needs_review", clue->id, now);
        event.type = "ticket.sent_to_review";
        event.reason = "no other agency can take it; the clue waits in the review queue";
        tx.append_event(event);
        return std::nullopt;
    }
    // The case's priority: never lower than any clue's, a re-screen since included.
    auto next = new_ticket({rejected.clue_id, rejected.sender_agency, *recipient, rejected.purpose,
                            facts->record.priority},
                           config.deadlines, now);
    store_new_ticket(tx, next, system, "rerouted after a rejection", rejected.id,
                     rejected.recipient_agency, handed_over_clues(*facts));
    event.type = "ticket.rerouted";
    event.related_ticket = next.id;
    event.related_agency = next.recipient_agency;
    tx.append_event(event);
    return next;
}

}  // namespace clue_router::service
