#pragma once
// Work over time on a ticket (DESIGN §4, "Note and measures over time"): notes, seen by the
// agencies of the case, and aid measures added and moved on while the ticket is open and
// after it closed (follow-up visits). Each change is an event, audited, in one unit of work.
//
// Who: staff of the ticket's recipient — the agency doing the work — and, for notes, staff of
// its sender when that agency works the case too (a federation that referred her on). Not on
// a pending ticket (not taken yet), nor on a rejected or cancelled one (not handled).
// Notes and measures do not change the ticket's version: a colleague's note must not make an
// accept fail with 412. A measure has its own version, which If-Match guards on PATCH.
#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/measure_progress.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct TicketWorkOptions {
    // "Today" for a measure's date: China Standard Time.
    std::chrono::minutes local_offset{8 * 60};
};

// A measure and its version (the ETag of PATCH …/measures/{id}).
struct MeasureReply {
    nlohmann::json body;
    std::int64_t version = 1;
};

class TicketWork {
  public:
    TicketWork(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock,
               TicketWorkOptions options = {})
        : store_(store), config_(config), clock_(clock), options_(options) {}

    // {"text"} → the note (201). ticket.note_added goes to the agencies of the case.
    void add_note(const Actor& actor, const std::string& ticket_id, const nlohmann::json& body,
                  Completion<nlohmann::json> done);
    // A measure as in a close request (+ "status_on") → the recorded measure (201).
    void add_measure(const Actor& actor, const std::string& ticket_id, const nlohmann::json& body,
                     Completion<MeasureReply> done);
    // {"status", "on", "provider_agency"?} under If-Match (nullopt → 428) → the measure.
    void update_measure(const Actor& actor, const std::string& ticket_id,
                        const std::string& measure_id, std::optional<std::int64_t> if_match,
                        const nlohmann::json& body, Completion<MeasureReply> done);

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
    TicketWorkOptions options_;
};

}  // namespace clue_router::service
