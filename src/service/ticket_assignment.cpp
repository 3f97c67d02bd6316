#include "clue_router/service/ticket_assignment.hpp"

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_scope.hpp"

namespace clue_router::service {

namespace {

// Whom the ticket goes to, with her display name: the actor herself, or an enabled staff
// account of the recipient agency. One answer for every other case (no such account, another
// agency's, disabled, another role), so that the reply says nothing about accounts elsewhere.
struct Target {
    std::optional<std::string> person;
    std::optional<std::string> name;
};

Result<Target> resolve(storage::WriteTransaction& tx, const Actor& actor,
                       const domain::Ticket& ticket, const domain::AssigneeRef& assignee) {
    using Kind = domain::AssigneeRef::Kind;
    if (assignee.kind == Kind::nobody) return Target{};
    if (assignee.kind == Kind::me) return Target{actor.person_id, actor.person_name};
    const auto person = tx.find_person(assignee.person_id);
    if (!person || person->agency_id != ticket.recipient_agency || person->role != "staff" ||
        person->disabled_at) {
        return domain::unexpected(
            error(ErrorKind::validation, "a ticket is assigned to staff of its recipient agency",
                  {{"/assignee",
                    "must name an enabled staff account of the ticket's recipient agency"}}));
    }
    return Target{person->id, person->display_name};
}

// The checks before the person: role and side, version, status.
std::optional<ServiceError> check_assignable(const Actor& actor, const domain::Ticket& ticket,
                                             std::int64_t expected_version) {
    if (actor.role != Role::staff || ticket.recipient_agency != actor.agency_id) {
        return error(ErrorKind::forbidden,
                     "only staff of the ticket's recipient agency take or assign it");
    }
    if (ticket.version != expected_version) {
        ServiceError e = error(ErrorKind::precondition_failed,
                               "the ticket changed since you read it; read it again");
        e.current_version = ticket.version;
        return e;
    }
    if (domain::is_terminal(ticket.status)) {
        return error(ErrorKind::conflict, "a ticket that is " +
                                              std::string(domain::to_string(ticket.status)) +
                                              " is not assigned any more");
    }
    return std::nullopt;
}

void record(storage::WriteTransaction& tx, const Actor& actor, const domain::Ticket& ticket,
            const std::string& type, const std::optional<std::string>& previous,
            domain::Timestamp now) {
    domain::TicketEvent e;
    e.ticket_id = ticket.id;
    e.type = type;
    e.to_status = std::string(domain::to_string(ticket.status));
    stamp_actor(e, actor);
    e.assignee = ticket.assignee_person;
    e.previous_assignee = previous;
    e.at = now;
    tx.append_event(e);
    nlohmann::json detail{{"version", ticket.version}};
    if (ticket.assignee_person) detail["assignee"] = *ticket.assignee_person;
    if (previous) detail["previous_assignee"] = *previous;
    append_audit(tx, actor, now, {type, "ticket", ticket.id, std::move(detail)});
}

}  // namespace

ServiceError me_needs_a_person(const std::string& pointer) {
    return error(ErrorKind::validation, "\"me\" is the person signed in, and a key is no one",
                 {{pointer, "\"me\" needs a person signed in: a key names the person (psn_…)"}});
}

Result<domain::Ticket> apply_assignment(storage::WriteTransaction& tx, const Actor& actor,
                                        const std::string& ticket_id, std::int64_t expected_version,
                                        const domain::AssigneeRef& assignee,
                                        domain::Timestamp now) {
    auto scoped = scope_of_ticket(tx, actor, ticket_id);
    if (!scoped) return domain::unexpected(scoped.error());
    domain::Ticket ticket = ticket_in((*scoped)->facts, ticket_id);
    if (auto problem = check_assignable(actor, ticket, expected_version)) {
        return domain::unexpected(std::move(*problem));
    }
    auto target = resolve(tx, actor, ticket, assignee);
    if (!target) return domain::unexpected(target.error());

    const auto previous = ticket.assignee_person;
    if (const auto type = domain::assignment_event_type(previous, target->person)) {
        ticket.assignee_person = target->person;
        ticket.assignee_name = target->name;
        ticket.version = expected_version + 1;
        ticket.updated_at = now;
        if (!tx.update_ticket(ticket, expected_version)) {
            return domain::unexpected(
                error(ErrorKind::precondition_failed, "the ticket changed since you read it"));
        }
        record(tx, actor, ticket, *type, previous, now);
    }
    ticket.measures = tx.measures_of(ticket.id);
    return (*scoped)->scope->ticket_view(std::move(ticket));
}

int release_assignments(storage::WriteTransaction& tx, const Actor& actor,
                        const std::string& agency_id, const std::string& person_id,
                        domain::Timestamp now) {
    int released = 0;
    for (domain::Ticket ticket : tx.open_tickets_assigned_to(agency_id, person_id)) {
        const std::int64_t expected = ticket.version;
        const auto previous = ticket.assignee_person;
        ticket.assignee_person.reset();
        ticket.assignee_name.reset();
        ticket.version = expected + 1;
        ticket.updated_at = now;
        // Read in this unit of work, so the version still holds.
        if (!tx.update_ticket(ticket, expected)) throw storage::StorageError("a ticket moved");
        record(tx, actor, ticket, "ticket.unassigned", previous, now);
        ++released;
    }
    return released;
}

}  // namespace clue_router::service
