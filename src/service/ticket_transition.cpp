#include "clue_router/service/ticket_transition.hpp"

#include <algorithm>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_membership.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_routing.hpp"

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

// A closing's aid measures: "assisted" needs one (given now or recorded before), and the
// judicial-assistance amounts of the ticket together stay within the cap of the subject's
// province unless justified.
std::optional<ServiceError> check_closing_measures(storage::WriteTransaction& tx,
                                                   const storage::CaseFacts& facts,
                                                   const domain::Ticket& ticket,
                                                   const domain::TransitionRequest& req,
                                                   const RuntimeConfig& config) {
    auto all = req.measures;
    for (const auto& recorded : tx.measures_of(ticket.id)) all.push_back(recorded.measure);
    if (req.outcome == domain::Outcome::assisted && all.empty()) {
        return error(ErrorKind::validation, "the transition request is not valid",
                     {{"/measures",
                       "is required when the outcome is assisted: name at least "
                       "one aid measure, or record it on the ticket first"}});
    }
    const auto clue = std::find_if(facts.clues.begin(), facts.clues.end(),
                                   [&](const auto& c) { return c.id == ticket.clue_id; });
    if (clue == facts.clues.end()) throw storage::StorageError("a ticket's clue is missing");
    auto cap_errors = domain::check_relief_cap(all, clue->region, config.relief, "/measures");
    // A measure recorded before has no place in this request: point at the list.
    for (auto& e : cap_errors) {
        if (e.pointer.rfind("/measures/", 0) != 0) continue;
        const auto index = std::stoul(e.pointer.substr(10));
        if (index >= req.measures.size()) e.pointer = "/measures";
    }
    if (!cap_errors.empty()) {
        return error(ErrorKind::validation, "the judicial assistance is above the regional cap",
                     std::move(cap_errors));
    }
    return std::nullopt;
}

}  // namespace

Result<domain::Ticket> apply_transition(storage::WriteTransaction& tx, const Actor& actor,
                                        const std::string& ticket_id,
                                        std::optional<std::int64_t> expected_version,
                                        const domain::TransitionRequest& req,
                                        const RuntimeConfig& config, domain::Timestamp now) {
    auto scoped = scope_of_ticket(tx, actor, ticket_id);
    if (!scoped) return domain::unexpected(scoped.error());
    const storage::CaseFacts& facts = (*scoped)->facts;
    auto ticket = std::optional<domain::Ticket>(ticket_in(facts, ticket_id));
    if (!is_party(actor, *ticket)) {
        return domain::unexpected(error(
            ErrorKind::forbidden,
            "an agency may follow a ticket of its case, or one escalated to it, not move it"));
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
        if (auto problem = check_closing_measures(tx, facts, *ticket, req, config)) {
            return domain::unexpected(std::move(*problem));
        }
        if (req.referral) {
            if (auto problem = check_referral(*req.referral, *ticket, config.directory)) {
                return domain::unexpected(std::move(*problem));
            }
            follow_up = new_ticket(
                {ticket->clue_id, ticket->recipient_agency, req.referral->recipient_agency,
                 req.referral->purpose, domain::higher(ticket->priority, facts.record.priority)},
                config.deadlines, now);
        }
    }

    const std::int64_t expected = ticket->version;
    const domain::TicketStatus from = ticket->status;
    ticket->status = *next;
    ticket->version = expected + 1;
    ticket->updated_at = now;
    if (req.outcome) ticket->outcome = req.outcome;
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
    stamp_actor(event, actor);
    if (req.reason_code) event.reason_code = std::string(domain::to_string(*req.reason_code));
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
                         ticket->id, std::nullopt, handed_over_clues(facts));
        append_audit(tx, actor, now,
                     {"ticket.created", "ticket", follow_up->id, {{"referred_from", ticket->id}}});
        ticket->follow_up_ticket = follow_up->id;
    }
    if (req.action == domain::TicketAction::close) {
        // The closure keeps what was said at closing; the measures themselves are the
        // ticket's and move on from here (POST/PATCH …/measures).
        tx.insert_closure(storage::TicketClosure{ticket->id, *req.outcome, req.measures,
                                                 ticket->follow_up_ticket, actor.agency_id, now});
        for (const auto& m : req.measures) {
            tx.insert_measure(domain::RecordedMeasure{new_uuid_v7(now), ticket->id, m, std::nullopt,
                                                      1, actor.agency_id, now, now});
        }
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
    if (domain::is_terminal(ticket->status)) {
        refresh_case(tx, actor, facts.record.id, now);
    }
    ticket->measures = tx.measures_of(ticket->id);
    return (*scoped)->scope->ticket_view(std::move(*ticket));
}

}  // namespace clue_router::service
