#pragma once
// Taking tickets (issue 15; DESIGN §4 "Person and assignment"): the decision of one
// assignment, run inside a storage unit of work against the committed state: scope → role and
// side (staff of the recipient agency) → version → status (not final) → the person named (an
// enabled staff account of the recipient agency) → write the ticket with its new version, its
// event (ticket.assigned or ticket.unassigned, naming whom it went to and came from; the
// ticket's outbox rows follow from it) and the audit row.
//
// Naming the assignee the ticket already has changes nothing: no event, no new version, and
// the reply is the ticket as it is (a repeated claim, or an unassign of a ticket nobody took,
// is answered 200 and is not a conflict). The If-Match is checked all the same.
#include <optional>
#include <string>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/ticket_assignment.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// `assignee` as parsed; "me" must be resolvable (the actor is a person): the caller refuses a
// key's "me" before the unit of work.
Result<domain::Ticket> apply_assignment(storage::WriteTransaction& tx, const Actor& actor,
                                        const std::string& ticket_id, std::int64_t expected_version,
                                        const domain::AssigneeRef& assignee, domain::Timestamp now);

// A disabled account's open tickets go back to her agency's inbox, unassigned, each with its
// new version, its ticket.unassigned event (by `actor`, the admin who disabled her) and audit
// row, in the unit of work that disables her: a ticket must not wait for someone who will
// not come back. Returns how many.
int release_assignments(storage::WriteTransaction& tx, const Actor& actor,
                        const std::string& agency_id, const std::string& person_id,
                        domain::Timestamp now);

// The 422 a key gets for "me" (no one is signed in): at `pointer` (/assignee in a body,
// /query/assignee in a list's query).
ServiceError me_needs_a_person(const std::string& pointer);

}  // namespace clue_router::service
