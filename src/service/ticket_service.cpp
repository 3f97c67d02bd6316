#include "clue_router/service/ticket_service.hpp"

#include <memory>

#include "clue_router/domain/ticket_due.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/service/ticket_assignment.hpp"
#include "clue_router/service/ticket_routing.hpp"
#include "clue_router/service/ticket_transition.hpp"
#include "clue_router/service/ticket_views.hpp"
#include "clue_router/service/unit_of_work.hpp"

namespace clue_router::service {

namespace {

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
    if (q.assignee) {
        using Kind = domain::AssigneeRef::Kind;
        // A ticket is assigned within its recipient agency: the filter is the inbox's.
        if (q.box != storage::Box::inbox) {
            return domain::unexpected(error(
                ErrorKind::bad_request, "assignee filters the inbox only",
                {{"/query/assignee", "filters the inbox only: leave box out, or box=inbox"}}));
        }
        if (q.assignee->kind == Kind::me && !actor.is_person()) {
            return domain::unexpected(me_needs_a_person("/query/assignee"));
        }
        query.assignee = q.assignee->kind == Kind::me       ? actor.person_id
                         : q.assignee->kind == Kind::person ? q.assignee->person_id
                                                            : std::optional<std::string>();
    }
    try {
        auto tickets = store_.reader()->list_tickets(query);
        Page page;
        const bool more = static_cast<int>(tickets.size()) > q.limit;
        if (more) tickets.resize(static_cast<std::size_t>(q.limit));
        for (const auto& t : tickets) page.items.push_back(view(t));
        if (more && !tickets.empty()) page.next_cursor = tickets.back().id;
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<domain::Ticket> TicketService::get(const Actor& actor, const std::string& ticket_id) {
    try {
        auto reader = store_.reader();
        auto scoped = scope_of_ticket(*reader, actor, ticket_id);
        if (!scoped) return domain::unexpected(scoped.error());
        return full_view(*reader, **scoped, ticket_id);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

nlohmann::json TicketService::view(const domain::Ticket& ticket) const {
    nlohmann::json j = domain::to_json(ticket);
    if (const auto due = domain::due_of(config_.get()->deadlines, ticket, clock_.now())) {
        j["due"] = domain::to_json(*due);
    }
    return j;
}

void TicketService::history(const Actor& actor, const std::string& ticket_id,
                            Completion<nlohmann::json> done) {
    nlohmann::json reply;
    bool notes_shown = false;
    try {
        auto reader = store_.reader();
        auto scoped = scope_of_ticket(*reader, actor, ticket_id);
        if (!scoped) return done(domain::unexpected(scoped.error()));
        reply = history_view(*reader, *(*scoped)->scope, ticket_id, notes_shown);
    } catch (const storage::StorageError&) {
        return done(domain::unexpected(unavailable()));
    }
    if (!notes_shown) return done(std::move(reply));
    // Notes are free text about her: their reading is audited, and the audit row is durable
    // before the text leaves, as for a clear read of a clue.
    const auto now = clock_.now();
    serve_once_audited<nlohmann::json>(
        store_,
        [actor, now, ticket_id](storage::WriteTransaction& tx) {
            append_audit(tx, actor, now, {"ticket.notes_read", "ticket", ticket_id, {}});
        },
        std::move(reply), std::move(done));
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
    const auto now = clock_.now();
    const auto config = config_.get();
    write_decision<domain::Ticket>(
        store_,
        [=, req = *request, expected = *if_match](storage::WriteTransaction& tx) {
            return apply_transition(tx, actor, ticket_id, expected, req, *config, now);
        },
        std::move(done));
}

void TicketService::assign(const Actor& actor, const std::string& ticket_id,
                           std::optional<std::int64_t> if_match, const nlohmann::json& body,
                           Completion<domain::Ticket> done) {
    if (actor.role == Role::admin) {
        return done(domain::unexpected(
            error(ErrorKind::forbidden, "tickets are taken by staff of their recipient agency")));
    }
    auto assignee = domain::parse_assignment_request(body);
    if (!assignee) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the assignment is not valid", assignee.error())));
    }
    if (assignee->kind == domain::AssigneeRef::Kind::me && !actor.is_person()) {
        return done(domain::unexpected(me_needs_a_person("/assignee")));
    }
    if (!if_match) {
        return done(domain::unexpected(error(ErrorKind::precondition_required,
                                             "send If-Match with the ticket's ETag, so that a "
                                             "change made meanwhile by someone else is not "
                                             "overwritten")));
    }
    const auto now = clock_.now();
    write_decision<domain::Ticket>(
        store_,
        [=, ref = *assignee, expected = *if_match](storage::WriteTransaction& tx) {
            return apply_assignment(tx, actor, ticket_id, expected, ref, now);
        },
        std::move(done));
}

}  // namespace clue_router::service
