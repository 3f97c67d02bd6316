#pragma once
// The JSON shapes replies use for stored records. One place decides what a reply may show
// of a victim's personal data.
#include <nlohmann/json.hpp>

#include "clue_router/domain/field_error.hpp"
#include "clue_router/storage/records.hpp"

namespace clue_router::service {

enum class PersonalData { masked, clear };

// The clue with its storage metadata. Masked: name, ID number and phones masked, the birth
// date shown as its year only (`birth_year`: with the full date the masked ID number could be
// rebuilt), address and narrative left out. Clear: as stored.
nlohmann::json clue_view(const storage::StoredClue& clue, PersonalData mode);

// [{"pointer": "/subject/region", "code": "unknown_region", "detail": "…"}, …]
nlohmann::json warnings_json(const domain::FieldWarnings& warnings);

}  // namespace clue_router::service
