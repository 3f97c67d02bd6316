#include "clue_router/service/ticket_service.hpp"

#include <memory>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/ticket_routing.hpp"
#include "clue_router/service/ticket_transition.hpp"

namespace clue_router::service {

bool is_party(const Actor& actor, const domain::Ticket& ticket) {
    return ticket.sender_agency == actor.agency_id || ticket.recipient_agency == actor.agency_id;
}

bool in_scope(const Actor& actor, const domain::Ticket& ticket) {
    // Supervisors see figures only: every ticket is outside their scope (404, not 403).
    if (actor.role == Role::supervisor) return false;
    return actor.role == Role::admin || is_party(actor, ticket) ||
           ticket.escalated_to == actor.agency_id;
}

namespace {

ServiceError not_found() {
    return error(ErrorKind::not_found, "no such ticket");
}
ServiceError unavailable() {
    return error(ErrorKind::unavailable, "the database is unavailable");
}

}  // namespace

Result<Page> TicketService::list(const Actor& actor, const TicketListQuery& q) {
    if (actor.role == Role::supervisor) {
        return domain::unexpected(
            error(ErrorKind::forbidden, "supervisors see figures, not tickets"));
    }
    storage::TicketQuery query{actor.agency_id, q.box,    q.status,
                               q.overdue_only,  q.cursor, q.limit + 1};
    try {
        auto tickets = store_.reader()->list_tickets(query);
        Page page;
        const bool more = static_cast<int>(tickets.size()) > q.limit;
        if (more) tickets.resize(static_cast<std::size_t>(q.limit));
        for (const auto& t : tickets) page.items.push_back(domain::to_json(t));
        if (more && !tickets.empty()) page.next_cursor = tickets.back().id;
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<domain::Ticket> TicketService::get(const Actor& actor, const std::string& ticket_id) {
    try {
        auto reader = store_.reader();
        auto ticket = reader->find_ticket(ticket_id);
        if (!ticket || !in_scope(actor, *ticket)) return domain::unexpected(not_found());
        if (const auto closure = reader->closure_of(ticket_id)) {
            ticket->measures = closure->measures;
            ticket->follow_up_ticket = closure->follow_up_ticket;
        }
        return std::move(*ticket);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<nlohmann::json> TicketService::history(const Actor& actor, const std::string& ticket_id) {
    try {
        auto reader = store_.reader();
        const auto ticket = reader->find_ticket(ticket_id);
        if (!ticket || !in_scope(actor, *ticket)) return domain::unexpected(not_found());
        nlohmann::json items = nlohmann::json::array();
        for (const auto& e : reader->ticket_history(ticket_id)) items.push_back(domain::to_json(e));
        return nlohmann::json{{"items", std::move(items)}};
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

void TicketService::transition(const Actor& actor, const std::string& ticket_id,
                               std::optional<std::int64_t> if_match, const nlohmann::json& body,
                               Completion<domain::Ticket> done) {
    // Admins see every ticket, so refusing them says nothing about an id; supervisors see
    // none, and get the 404 of the scope check below.
    if (actor.role == Role::admin) {
        done(domain::unexpected(
            error(ErrorKind::forbidden, "only the agencies on a ticket may move it")));
        return;
    }
    auto request = domain::parse_transition_request(body);
    if (!request) {
        done(domain::unexpected(
            error(ErrorKind::validation, "the transition request is not valid", request.error())));
        return;
    }
    if (!if_match) {
        done(domain::unexpected(error(ErrorKind::precondition_required,
                                      "send If-Match with the ticket's ETag, so that a change "
                                      "made meanwhile by someone else is not overwritten")));
        return;
    }

    // The decision is taken inside the unit of work, against the committed state, so two
    // concurrent transitions cannot both pass the version check.
    auto result = std::make_shared<std::optional<Result<domain::Ticket>>>();
    const auto now = clock_.now();
    const auto config = config_.get();
    store_.write(
        [=, req = *request, expected = *if_match](storage::WriteTransaction& tx) {
            *result = apply_transition(tx, actor, ticket_id, expected, req, *config, now);
        },
        [result, done = std::move(done)](std::exception_ptr failure) {
            if (failure || !*result) {
                done(domain::unexpected(error(ErrorKind::unavailable,
                                              "the change could not be stored; nothing changed")));
            } else {
                done(std::move(**result));
            }
        });
}

}  // namespace clue_router::service
