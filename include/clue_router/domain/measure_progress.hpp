#pragma once
// Aid measures over time (DESIGN §4, "Note and measures over time"). A measure recorded on a
// ticket — at closing, or added while the ticket is open or after it closed — moves on as the
// aid is given: planned → in_progress | provided | declined, in_progress → provided | declined;
// provided and declined are final. Each move says when, and may name who actually provided it
// (a follow-up visit by another agency than the one planned).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

struct RecordedMeasure {
    std::string id;
    std::string ticket_id;
    AidMeasure measure;
    std::optional<CivilDate> status_on;  // when it reached its status (provided, declined…)
    std::int64_t version = 1;            // bumped by every move; the measure's ETag
    std::string recorded_by_agency;
    Timestamp created_at{};
    Timestamp updated_at{};
};

// The measure (as to_json(AidMeasure)) plus id, status_on, version, created_at, updated_at.
nlohmann::json to_json(const RecordedMeasure& m);

// Whether a measure may move from one status to another.
bool measure_may_move(MeasureStatus from, MeasureStatus to);

// POST /v1/tickets/{id}/measures: one measure as in a close request, plus an optional
// "status_on" date.
struct NewMeasure {
    AidMeasure measure;
    std::optional<CivilDate> status_on;
};
Expected<NewMeasure, FieldErrors> parse_new_measure(const nlohmann::json& body);

// PATCH /v1/tickets/{id}/measures/{measure_id}: {"status", "on", "provider_agency"?}. "on" is
// required for provided and declined.
struct MeasureUpdate {
    MeasureStatus status = MeasureStatus::planned;
    std::optional<CivilDate> on;
    std::optional<std::string> provider_agency;
};
Expected<MeasureUpdate, FieldErrors> parse_measure_update(const nlohmann::json& body);

enum class MeasureMoveError {
    not_allowed_now,  // the state table refuses it (409)
    date_in_future,   // "on" is after today (422, /on)
};

// The measure after the update, version bumped; `today` is the local date of `now`.
Expected<RecordedMeasure, MeasureMoveError> move_measure(RecordedMeasure measure,
                                                         const MeasureUpdate& update,
                                                         CivilDate today, Timestamp now);

}  // namespace clue_router::domain
