#include "clue_router/service/actor.hpp"

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

}  // namespace clue_router::service
