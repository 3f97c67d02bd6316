#pragma once
// The JSON shapes replies use for stored records. One place decides what a reply may show
// of a victim's personal data.
#include <nlohmann/json.hpp>

#include "clue_router/storage/records.hpp"

namespace clue_router::service {

enum class PersonalData { masked, clear };

// The clue with its storage metadata. Masked: name, ID number and phones masked, address and
// narrative left out. Clear: as stored.
nlohmann::json clue_view(const storage::StoredClue& clue, PersonalData mode);

}  // namespace clue_router::service
