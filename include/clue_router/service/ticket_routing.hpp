#pragma once
// The parts of the ticket flow that several use cases share, all inside one unit of work:
// opening a ticket (the row, its deadlines and its ticket.created event, so that whatever
// is written for each event — the outbox of webhooks — sees it), and routing a clue again
// after a rejection. Events written by the service itself, with no person behind them,
// carry the actor "system".
#include <optional>
#include <string>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

inline constexpr std::string_view kSystemActor = "system";

struct TicketSpec {
    std::string clue_id;
    std::string sender_agency;
    std::string recipient_agency;
    std::string purpose;
    domain::Priority priority = domain::Priority::normal;
};

// A pending ticket with a fresh id and the policy's deadlines counted from `now`.
domain::Ticket new_ticket(const TicketSpec& spec, const domain::DeadlinePolicy& deadlines,
                          domain::Timestamp now);

struct EventActor {
    std::string agency;
    std::string key;
};

// Inserts the ticket and appends its ticket.created event (reason and related_ticket say
// why it exists when it is not the first hand-over: a reroute, a routing by hand).
void store_new_ticket(storage::WriteTransaction& tx, const domain::Ticket& ticket,
                      const EventActor& actor, std::optional<std::string> reason = std::nullopt,
                      std::optional<std::string> related_ticket = std::nullopt,
                      std::optional<std::string> related_agency = std::nullopt);

// After `rejected` was rejected (already stored): routes its clue again for the same
// purpose, excluding every agency that rejected it for that purpose and any that already
// holds an open ticket for it. Either opens the next ticket (ticket.rerouted on the
// rejected one names it) or puts the clue in the review queue as rejected_everywhere
// (ticket.sent_to_review on the rejected one). Returns the new ticket, if any.
std::optional<domain::Ticket> reroute_after_rejection(storage::WriteTransaction& tx,
                                                      const domain::Ticket& rejected,
                                                      const RuntimeConfig& config,
                                                      domain::Timestamp now);

}  // namespace clue_router::service
