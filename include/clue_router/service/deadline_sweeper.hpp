#pragma once
// The SLA sweeper (DESIGN §4): finds open tickets whose deadline passed — pending past
// accept_by, accepted but unfinished past close_by — marks each overdue and escalates it to
// the recipient's parent agency. Each ticket gets a ticket.overdue event and, when the
// recipient has a parent, a ticket.escalated event naming it, written through
// append_event in the same unit of work as the mark (so webhooks see them). The parent may
// then list the ticket (box=escalated) and read it and its history. Time comes from the
// injected clock; serve runs it on a timer, tests call sweep() after moving a ManualClock.
#include <string>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct SweepSummary {
    int overdue = 0;    // tickets marked overdue in this sweep
    int escalated = 0;  // of which escalated to a parent agency
};

class DeadlineSweeper {
  public:
    DeadlineSweeper(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock)
        : store_(store), config_(config), clock_(clock) {}

    // Pages through the due tickets in bounded units of work; the completion runs once,
    // after the last page's commit (or the first failure: pages already committed stay,
    // and the next sweep picks up the rest). Each mark is an audit row by `by`: the admin
    // who asked for the sweep, or the system actor when the timer runs it.
    void sweep(const Actor& by, Completion<SweepSummary> done);
    void sweep(Completion<SweepSummary> done);

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
};

}  // namespace clue_router::service
