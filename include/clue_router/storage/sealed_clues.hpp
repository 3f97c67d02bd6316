#pragma once
// How a clue's personal data is kept at rest: the clue document with each personal value
// (domain::personal_data_pointers) replaced by its sealed envelope, and a blind index of the
// subject's identifiers beside it. Used by the SQLite store; free of SQL so it can be tested
// alone.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/clue.hpp"
#include "clue_router/storage/personal_data_cipher.hpp"

namespace clue_router::storage {

// The authenticated context of one sealed value: which clue, which field.
std::string sealed_value_context(const std::string& clue_id, const std::string& pointer);

// to_json(clue) with every personal value sealed under the cipher's current key.
nlohmann::json seal_clue_document(const domain::Clue& clue, const std::string& clue_id,
                                  const PersonalDataCipher& cipher);

// The clue back from a stored document. `sealed_with` is the row's key id: nullopt for a row
// written before encryption existed, whose values are still clear (rotate-data-key seals
// them). Throws StorageError when a value does not open or the cipher is missing.
domain::Clue open_clue_document(nlohmann::json doc, const std::string& clue_id,
                                const std::optional<std::string>& sealed_with,
                                const PersonalDataCipher* cipher);

// (kind, blind index) of each of the subject's identifiers.
std::vector<std::pair<std::string, std::string>> identifier_digests(
    const domain::Clue& clue, const PersonalDataCipher& cipher);

// A clue's personal data as it is written: the sealed document's text, the key it is sealed
// under, and the blind index of its identifiers. Computing it (AES-GCM per value, HMAC,
// JSON) is most of a clue insert's CPU, so intake computes it on the request's thread
// (Store::seal_clue) and the single writer thread only writes it.
struct SealedClue {
    std::string body_json;
    std::string key_id;
    std::vector<std::pair<std::string, std::string>> identifiers;
};

SealedClue seal_clue(const domain::Clue& clue, const std::string& clue_id,
                     const PersonalDataCipher& cipher);

}  // namespace clue_router::storage
