#pragma once
// SQL for the stored screenings (table screenings), called from SqliteStore's transactions
// and readers. A screening's reasons carry words of the narrative: the lexicon terms it
// matched, the negation cues it saw, where they sit in the text. So the whole result is
// sealed at rest like the narrative (storage/sqlite_sealed_texts, listed in
// storage/sealed_columns), bound to the row's id; beside it stay in clear only what routing,
// ordering and the figures read in SQL and what says nothing of her words: the criteria
// version, score, priority and the ids of the matched key groups (`key_groups`, a JSON
// array, schema version 15).
//
// Rows written before schema version 15 hold their result in clear; they still read, and
// `keys rotate-data-key` seals them.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_screenings {

// The ids of the matched key groups of a stored result (domain::to_json(Screening)), as the
// JSON array text kept in clear: ["crime_victim","dv_divorce"]; "[]" when it names none.
std::string key_groups_text(const nlohmann::json& result);

// Seals the result under the current key; throws StorageError without a cipher.
void insert(sqlite::Connection& c, const PersonalDataCipher* cipher, const StoredScreening& s);
std::optional<StoredScreening> latest(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                      const std::string& clue_id);
// Oldest first.
std::vector<StoredScreening> of_clue(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                     const std::string& clue_id);

}  // namespace clue_router::storage::sqlite_screenings
