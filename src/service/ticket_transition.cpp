#include "clue_router/service/ticket_transition.hpp"

#include <algorithm>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_routing.hpp"
#include "clue_router/service/ticket_service.hpp"

namespace clue_router::service {

namespace {

ServiceError from_transition_error(domain::TransitionError e, domain::TicketStatus from,
                                   domain::TicketAction action) {
    if (e == domain::TransitionError::wrong_party) {
        return error(ErrorKind::forbidden, "your agency's side of this ticket may not " +
                                               std::string(domain::to_string(action)) + " it");
    }
    return error(ErrorKind::transition_not_allowed,
                 "a ticket that is " + std::string(domain::to_string(from)) + " cannot be " +
                     "moved with " + std::string(domain::to_string(action)));
}

// The follow-up ticket must go to an agency that exists, takes referrals, provides the
// purpose, and is not the agency handing it on.
std::optional<ServiceError> check_referral(const domain::Referral& referral,
                                           const domain::Ticket& ticket,
                                           const domain::Directory& directory) {
    const domain::Agency* target = directory.find(referral.recipient_agency);
    if (target == nullptr) {
        return error(ErrorKind::validation, "the referral names no known agency",
                     {{"/referral/recipient_agency", "is not an agency of the directory"}});
    }
    if (target->id == ticket.recipient_agency) {
        return error(ErrorKind::validation, "a referral goes to another agency",
                     {{"/referral/recipient_agency", "must be another agency than yours"}});
    }
    if (!target->accepts_referrals) {
        return error(ErrorKind::validation, "that agency does not take referrals",
                     {{"/referral/recipient_agency", "does not accept referrals"}});
    }
    if (std::find(target->services.begin(), target->services.end(), referral.purpose) ==
        target->services.end()) {
        return error(ErrorKind::validation, "that agency does not provide this service",
                     {{"/referral/purpose", "is not a service of the recipient agency"}});
    }
    return std::nullopt;
}

}  // namespace

void answer_clue_if_finished(storage::WriteTransaction& tx, const std::string& clue_id,
                             domain::Timestamp now) {
    // A clue waiting in the review queue, or dismissed from it, is not answered by its
    // finished tickets: a person still has to decide, or already decided otherwise.
    const auto clue = tx.find_clue(clue_id);
    if (!clue || clue->status == storage::ClueStatus::needs_review ||
        clue->status == storage::ClueStatus::dismissed) {
        return;
    }
    const auto tickets = tx.tickets_of_clue(clue_id);
    if (tickets.empty()) return;
    const bool all_finished = std::all_of(tickets.begin(), tickets.end(), [](const auto& t) {
        return domain::is_terminal(t.status);
    });
    if (!all_finished) return;
    tx.update_clue_status(clue_id, storage::ClueStatus::answered);
    tx.enqueue_clue_webhook("clue.answered", clue_id, now);
}

Result<domain::Ticket> apply_transition(storage::WriteTransaction& tx, const Actor& actor,
                                        const std::string& ticket_id,
                                        std::optional<std::int64_t> expected_version,
                                        const domain::TransitionRequest& req,
                                        const RuntimeConfig& config, domain::Timestamp now) {
    auto ticket = tx.find_ticket(ticket_id);
    if (!ticket || !in_scope(actor, *ticket)) {
        return domain::unexpected(error(ErrorKind::not_found, "no such ticket"));
    }
    if (!is_party(actor, *ticket)) {
        return domain::unexpected(
            error(ErrorKind::forbidden,
                  "an agency a ticket was escalated to may follow it, not move it"));
    }
    if (expected_version && ticket->version != *expected_version) {
        ServiceError e = error(ErrorKind::precondition_failed,
                               "the ticket changed since you read it; read it again");
        e.current_version = ticket->version;
        return domain::unexpected(std::move(e));
    }
    const domain::Party party = ticket->recipient_agency == actor.agency_id
                                    ? domain::Party::recipient
                                    : domain::Party::sender;
    auto next = domain::next_status(ticket->status, req.action, party);
    if (!next) {
        return domain::unexpected(from_transition_error(next.error(), ticket->status, req.action));
    }
    if (party == domain::Party::recipient && actor.role == Role::intake) {
        return domain::unexpected(
            error(ErrorKind::forbidden, "an intake key may only cancel what its agency sent"));
    }

    // Outcome rules that need more than the request: the cap of the subject's province,
    // and the directory for a referral.
    std::optional<domain::Ticket> follow_up;
    if (req.action == domain::TicketAction::close) {
        const auto clue = tx.find_clue(ticket->clue_id);
        if (!clue) throw storage::StorageError("a ticket's clue is missing");
        auto cap_errors = domain::check_relief_cap(req.measures, clue->clue.subject.region,
                                                   config.relief, "/measures");
        if (!cap_errors.empty()) {
            return domain::unexpected(error(ErrorKind::validation,
                                            "the judicial assistance is above the regional cap",
                                            std::move(cap_errors)));
        }
        if (req.referral) {
            if (auto problem = check_referral(*req.referral, *ticket, config.directory)) {
                return domain::unexpected(std::move(*problem));
            }
            follow_up = new_ticket(
                {ticket->clue_id, ticket->recipient_agency, req.referral->recipient_agency,
                 req.referral->purpose, ticket->priority},
                config.deadlines, now);
        }
    }

    const std::int64_t expected = ticket->version;
    const domain::TicketStatus from = ticket->status;
    ticket->status = *next;
    ticket->version = expected + 1;
    ticket->updated_at = now;
    if (req.outcome) ticket->outcome = req.outcome;
    if (req.reason) ticket->reason = req.reason;
    // The accept deadline no longer applies once accepted; the close deadline does.
    if (*next != domain::TicketStatus::pending && ticket->overdue == "accept") {
        ticket->overdue.reset();
        ticket->overdue_since.reset();
    }
    if (!tx.update_ticket(*ticket, expected)) {
        return domain::unexpected(
            error(ErrorKind::precondition_failed, "the ticket changed since you read it"));
    }
    domain::TicketEvent event;
    event.ticket_id = ticket->id;
    event.type = domain::event_type_for(req.action);
    event.from_status = std::string(domain::to_string(from));
    event.to_status = std::string(domain::to_string(*next));
    event.actor_agency = actor.agency_id;
    event.actor_key = actor.key_id;
    event.reason = req.reason;
    if (req.outcome) event.outcome = std::string(domain::to_string(*req.outcome));
    event.at = now;
    tx.append_event(event);
    append_audit(tx, actor, now,
                 {event.type,
                  "ticket",
                  ticket->id,
                  {{"from", event.from_status.value_or("")},
                   {"to", event.to_status},
                   {"version", ticket->version}}});

    if (follow_up) {
        store_new_ticket(tx, *follow_up, {actor.agency_id, actor.key_id}, "referred_onward",
                         ticket->id);
        append_audit(tx, actor, now,
                     {"ticket.created", "ticket", follow_up->id, {{"referred_from", ticket->id}}});
        ticket->follow_up_ticket = follow_up->id;
    }
    if (req.action == domain::TicketAction::close) {
        tx.insert_closure(storage::TicketClosure{ticket->id, *req.outcome, req.measures,
                                                 ticket->follow_up_ticket, actor.agency_id, now});
        ticket->measures = req.measures;
    }
    // A rejection routes the clue again (or sends it to the review queue) in this same unit
    // of work, so the clue is never left with no open ticket and no review.
    if (*next == domain::TicketStatus::rejected) {
        const auto rerouted = reroute_after_rejection(tx, *ticket, config, now);
        append_audit(tx, actor, now,
                     rerouted ? AuditRecord{"ticket.rerouted",
                                            "ticket",
                                            ticket->id,
                                            {{"to_ticket", rerouted->id},
                                             {"to_agency", rerouted->recipient_agency}}}
                              : AuditRecord{"clue.sent_to_review",
                                            "clue",
                                            ticket->clue_id,
                                            {{"rejected_ticket", ticket->id}}});
    }
    if (domain::is_terminal(ticket->status)) answer_clue_if_finished(tx, ticket->clue_id, now);
    return std::move(*ticket);
}

}  // namespace clue_router::service
