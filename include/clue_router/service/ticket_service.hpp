#pragma once
// Use cases around tickets: list an agency's inbox or outbox, read one, read its history,
// and move it through the state table (domain/ticket.hpp) under optimistic concurrency.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/ticket.hpp"
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
};

class TicketService {
  public:
    TicketService(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock)
        : store_(store), config_(config), clock_(clock) {}

    Result<Page> list(const Actor& actor, const TicketListQuery& query);
    Result<domain::Ticket> get(const Actor& actor, const std::string& ticket_id);
    Result<nlohmann::json> history(const Actor& actor, const std::string& ticket_id);

    // if_match: the version the caller last saw (nullopt → 428). The completion may run on
    // the storage writer thread. A rejection routes the clue again in the same unit of work
    // (service/ticket_routing.hpp); accepting late clears the ticket's "accept" overdue mark.
    void transition(const Actor& actor, const std::string& ticket_id,
                    std::optional<std::int64_t> if_match, const nlohmann::json& body,
                    Completion<domain::Ticket> done);

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
};

// Whether an actor may see a ticket at all: a party to it, the agency it was escalated to
// (read only), or an admin.
bool in_scope(const Actor& actor, const domain::Ticket& ticket);
// Whether an actor may move it: only the sender and the recipient.
bool is_party(const Actor& actor, const domain::Ticket& ticket);

}  // namespace clue_router::service
