#pragma once
// The parts of the ticket flow that several use cases share, all inside one unit of work:
// opening a ticket (the row, its deadlines and its ticket.created event, so that whatever
// is written for each event — the outbox of webhooks — sees it), and routing a clue again
// after a rejection. Events written by the service itself, with no person behind them,
// carry the actor "system".
#include <optional>
#include <string>
#include <vector>

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
// why it exists when it is not the first hand-over: a reroute, a routing by hand). The ticket
// carries the clue it is opened for and every clue of `carries` (on a case: its handed-over
// clues, service/case_membership), so its recipient reads her whole story.
void store_new_ticket(storage::WriteTransaction& tx, const domain::Ticket& ticket,
                      const EventActor& actor, std::optional<std::string> reason = std::nullopt,
                      std::optional<std::string> related_ticket = std::nullopt,
                      std::optional<std::string> related_agency = std::nullopt,
                      const std::vector<std::string>& carries = {});

// After `rejected` was rejected (already stored): the purpose is carried on for the case.
// When another open ticket of the case serves the same purpose, it carries the rejected
// ticket's clues from now on and no ticket is opened (ticket.rerouted names it). Otherwise
// the purpose is routed again, excluding every agency that rejected it on this case and any
// that holds it open: either the next ticket opens (ticket.rerouted on the rejected one names
// it) or the clue waits in the review queue as rejected_everywhere (ticket.sent_to_review).
// Returns the ticket that carries the purpose on, if any.
std::optional<domain::Ticket> reroute_after_rejection(storage::WriteTransaction& tx,
                                                      const domain::Ticket& rejected,
                                                      const RuntimeConfig& config,
                                                      domain::Timestamp now);

}  // namespace clue_router::service
