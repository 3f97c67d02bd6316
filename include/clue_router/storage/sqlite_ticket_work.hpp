#pragma once
// Work over time on a ticket: notes, their text sealed at rest (storage/sqlite_sealed_texts), and
// aid measures with their progress. Also the sealing of the reasons transitions carry, which live
// in ticket_events. Functions over a connection, called from the SQLite store.
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/measure_progress.hpp"
#include "clue_router/domain/ticket_note.hpp"
#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::storage::sqlite_ticket_work {

void insert_note(sqlite::Connection& c, const PersonalDataCipher* cipher,
                 const domain::TicketNote& note);
std::vector<domain::TicketNote> notes_of(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                         const std::string& ticket_id);

void insert_measure(sqlite::Connection& c, const domain::RecordedMeasure& m);
std::optional<domain::RecordedMeasure> find_measure(sqlite::Connection& c, const std::string& id);
std::vector<domain::RecordedMeasure> measures_of(sqlite::Connection& c,
                                                 const std::string& ticket_id);
bool update_measure(sqlite::Connection& c, const domain::RecordedMeasure& m,
                    std::int64_t expected_version);

// The reason of the event `sequence`, sealed in place.
void seal_event_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                       std::int64_t sequence, const std::string& reason);
// The stored reason of an event row, opened (as is when written before sealing).
std::string open_event_reason(const PersonalDataCipher* cipher, std::int64_t sequence,
                              const std::string& stored);

// Retention: the notes and reasons of the tickets opened for the clue are dropped.
void purge_texts_of_clue(sqlite::Connection& c, const std::string& clue_id, Timestamp at);

}  // namespace clue_router::storage::sqlite_ticket_work
