#pragma once
// What staff do with a clue in the review queue: route it by hand to the agencies they
// choose, or dismiss it with a reason. Either way the clue leaves the queue with a record
// of who decided and when; nothing in the queue is ever dropped without a person's word.
// Allowed to staff of the agency that sent the clue (the queue it sees) and to admins.
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

class ReviewActions {
  public:
    ReviewActions(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock)
        : store_(store), config_(config), clock_(clock) {}

    // Body: domain::HandRouting. Replies {"clue": …, "tickets": [the new tickets]}.
    void route(const Actor& actor, const std::string& clue_id, const nlohmann::json& body,
               Completion<nlohmann::json> done);
    // Body: domain::Dismissal. Replies {"clue": …}.
    void dismiss(const Actor& actor, const std::string& clue_id, const nlohmann::json& body,
                 Completion<nlohmann::json> done);

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
};

}  // namespace clue_router::service
