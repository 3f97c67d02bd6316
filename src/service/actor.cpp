#include "clue_router/service/actor.hpp"

#include "clue_router/domain/ticket.hpp"

namespace clue_router::service {

std::string_view to_string(Role r) {
    switch (r) {
        case Role::intake:
            return "intake";
        case Role::staff:
            return "staff";
        case Role::supervisor:
            return "supervisor";
        case Role::admin:
            return "admin";
    }
    return "intake";
}

std::optional<Role> parse_role(std::string_view s) {
    for (Role r : {Role::intake, Role::staff, Role::supervisor, Role::admin}) {
        if (to_string(r) == s) return r;
    }
    return std::nullopt;
}

void stamp_actor(domain::TicketEvent& event, const Actor& actor) {
    event.actor_agency = actor.agency_id;
    event.actor_key = actor.key_id;
    if (!actor.issued_by_agency.empty()) event.actor_issued_by = actor.issued_by_agency;
    if (actor.is_person()) {
        event.actor_person = actor.person_id;
        event.actor_name = actor.person_name;
    }
}

}  // namespace clue_router::service
