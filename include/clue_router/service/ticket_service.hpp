#pragma once
// Use cases around tickets: list an agency's inbox or outbox, read one, read its history,
// and move it through the state table (domain/ticket.hpp) under optimistic concurrency.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/ticket_assignment.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct TicketListQuery {
    storage::Box box = storage::Box::inbox;
    std::optional<domain::TicketStatus> status;
    bool overdue_only = false;
    std::optional<std::string> cursor;
    int limit = 50;
    // The inbox's tickets assigned to me, to nobody, or to one person (assignee=…); "me" by
    // a key is 422 at /query/assignee.
    std::optional<domain::AssigneeRef> assignee;
};

class TicketService {
  public:
    TicketService(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock)
        : store_(store), config_(config), clock_(clock) {}

    Result<Page> list(const Actor& actor, const TicketListQuery& query);
    // Any agency of the ticket's case reads it (service/case_scope), with the clues it carries
    // as far as the reader may see them, its measures and its follow-up.
    Result<domain::Ticket> get(const Actor& actor, const std::string& ticket_id);
    // {"items": events, oldest first}; a note's event carries the note's text for the agencies
    // working the case (audited before the reply leaves), and events about clues the reader
    // may not see are left out. The completion may run on the storage writer thread.
    void history(const Actor& actor, const std::string& ticket_id, Completion<nlohmann::json> done);

    // if_match: the version the caller last saw (nullopt → 428). The completion may run on
    // the storage writer thread. A rejection routes the clue again in the same unit of work
    // (service/ticket_routing.hpp); accepting late clears the ticket's "accept" overdue mark.
    void transition(const Actor& actor, const std::string& ticket_id,
                    std::optional<std::int64_t> if_match, const nlohmann::json& body,
                    Completion<domain::Ticket> done);

    // POST /v1/tickets/{id}/assignment {"assignee": "me" | "psn_…" | null} under If-Match
    // (nullopt → 428): service/ticket_assignment.hpp. Admins are refused (403) before anything,
    // as for transitions. The completion may run on the storage writer thread.
    void assign(const Actor& actor, const std::string& ticket_id,
                std::optional<std::int64_t> if_match, const nlohmann::json& body,
                Completion<domain::Ticket> done);

    // A ticket as the API shows it: domain::to_json, and "due" (domain/ticket_due), the
    // deadline in force and the working days left, by the configured calendar and now.
    nlohmann::json view(const domain::Ticket& ticket) const;

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
};

}  // namespace clue_router::service
