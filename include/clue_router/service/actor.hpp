#pragma once
// Who is calling: the key's agency and role (DESIGN §7). Every service call takes one.
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {
struct TicketEvent;
}

namespace clue_router::service {

enum class Role { intake, staff, supervisor, admin };

std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Actor {
    std::string key_id;  // the key's id; for a person signed in, her account id
    std::string agency_id;
    Role role = Role::intake;
    // For the audit trail: which request acted. Defaulted, so Actor{key, agency, role} stays
    // valid where no request exists.
    std::string request_id{};
    // The agency whose admin made this credential, when it is not `agency_id` (issue 14 item
    // 3); empty for a credential of the agency's own making or the command line's.
    std::string issued_by_agency{};
    // A person signed in with a session (issue 15): her account id and display name, which
    // every audit row and ticket event she makes carries. Empty for keys and the service.
    std::string person_id{};
    std::string person_name{};

    bool is_person() const { return !person_id.empty(); }
};

// Names the actor on a ticket event: her agency and key, the agency that issued the key when
// it is another, and the person signed in (her id and display name).
void stamp_actor(domain::TicketEvent& event, const Actor& actor);

}  // namespace clue_router::service
