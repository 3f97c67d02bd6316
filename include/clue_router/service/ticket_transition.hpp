#pragma once
// The decision of one ticket transition, run inside a storage unit of work against the
// committed state: scope → version → party → state table → outcome rules (aid measures,
// judicial-assistance cap, referral) → write the ticket, its event, its closure and
// measures, a follow-up ticket, carry the purpose on after a rejection, and close the case
// when nothing of it is open any more (service/case_membership). Shared by
// the API (POST /v1/tickets/{id}/transitions) and inbound webhooks, so an agency can do
// exactly the same through either.
#include <optional>
#include <string>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// expected_version: the If-Match version; nullopt skips the check (inbound webhooks, whose
// senders act on the current state; the state table still guards every step).
Result<domain::Ticket> apply_transition(storage::WriteTransaction& tx, const Actor& actor,
                                        const std::string& ticket_id,
                                        std::optional<std::int64_t> expected_version,
                                        const domain::TransitionRequest& request,
                                        const RuntimeConfig& config, domain::Timestamp now);

}  // namespace clue_router::service
