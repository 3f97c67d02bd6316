#pragma once
// Administration of screening criteria: reload them from their file, and re-screen the open
// clues after a change. A re-screen adds a screening; the earlier ones stay as history.
#include <functional>
#include <string>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct RescreenSummary {
    std::string criteria_version;
    int examined = 0;          // open clues looked at
    int rescreened = 0;        // of which screened under other criteria until now
    int priority_changed = 0;  // of which the priority changed
};

class ScreeningAdmin {
  public:
    // reload: loads the configuration files and swaps the snapshot; returns the new criteria
    // version, or throws std::runtime_error naming what is wrong (the old snapshot stays).
    using Reloader = std::function<std::string()>;

    ScreeningAdmin(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock,
                   ClueServiceOptions options, Reloader reload)
        : store_(store),
          config_(config),
          clock_(clock),
          options_(options),
          reload_(std::move(reload)) {}

    Result<std::string> reload(const Actor& actor);

    // Pages through the open clues in units of work of a bounded size, so intake keeps
    // flowing between them; the completion runs once, after the last page's commit.
    void rescreen_open(const Actor& actor, Completion<RescreenSummary> done);

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
    ClueServiceOptions options_;
    Reloader reload_;
};

}  // namespace clue_router::service
