#include "clue_router/storage/sealed_clues.hpp"

#include <stdexcept>

#include "clue_router/domain/personal_data.hpp"
#include "clue_router/domain/sealed_value.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::storage {

std::string sealed_value_context(const std::string& clue_id, const std::string& pointer) {
    return "clue/" + clue_id + pointer;
}

nlohmann::json seal_clue_document(const domain::Clue& clue, const std::string& clue_id,
                                  const PersonalDataCipher& cipher) {
    nlohmann::json doc = domain::to_json(clue);
    for (const std::string& pointer : domain::personal_data_pointers()) {
        const nlohmann::json::json_pointer at(pointer);
        if (!doc.contains(at) || !doc[at].is_string()) continue;
        doc[at] = cipher.seal(doc[at].get<std::string>(), sealed_value_context(clue_id, pointer));
    }
    return doc;
}

domain::Clue open_clue_document(nlohmann::json doc, const std::string& clue_id,
                                const std::optional<std::string>& sealed_with,
                                const PersonalDataCipher* cipher) {
    if (sealed_with) {
        if (cipher == nullptr) {
            throw StorageError("stored clue " + clue_id +
                               " is encrypted and no data key is configured");
        }
        for (const std::string& pointer : domain::personal_data_pointers()) {
            const nlohmann::json::json_pointer at(pointer);
            if (!doc.contains(at)) continue;
            if (!doc[at].is_string()) {
                throw StorageError("stored clue " + clue_id + " has a broken " + pointer);
            }
            // Birth dates are sealed since schema version 8; a clue sealed before holds its
            // date in clear (sealed at the next `keys rotate-data-key`). Every other value was
            // sealed from the start, so for those a clear value is tampering, and refused.
            if (pointer == "/subject/birth_date" &&
                !domain::parse_sealed(doc[at].get_ref<const std::string&>())) {
                continue;
            }
            try {
                doc[at] = cipher->open(doc[at].get<std::string>(),
                                       sealed_value_context(clue_id, pointer));
            } catch (const std::runtime_error& e) {
                // The message names the field and the reason (unknown key, tampered), never
                // the value.
                throw StorageError("stored clue " + clue_id + " field " + pointer +
                                   " does not decrypt: " + e.what());
            }
        }
    }
    try {
        return domain::clue_from_json(doc);
    } catch (const std::invalid_argument&) {
        throw StorageError("stored clue " + clue_id + " has a broken body_json");
    }
}

std::vector<std::pair<std::string, std::string>> identifier_digests(
    const domain::Clue& clue, const PersonalDataCipher& cipher) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& term : domain::identifier_terms(clue.subject)) {
        out.emplace_back(term.kind, cipher.blind_index(term.indexed()));
    }
    return out;
}

SealedClue seal_clue(const domain::Clue& clue, const std::string& clue_id,
                     const PersonalDataCipher& cipher) {
    return {seal_clue_document(clue, clue_id, cipher).dump(), cipher.current_key_id(),
            identifier_digests(clue, cipher)};
}

}  // namespace clue_router::storage
