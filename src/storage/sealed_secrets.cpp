#include "clue_router/storage/sealed_secrets.hpp"

#include <stdexcept>

#include "clue_router/domain/sealed_value.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::storage {

namespace {

// Names the slot in error messages: the table, column and row, never the value.
std::string where(const SecretSlot& slot) {
    return "stored " + std::string(slot.table) + "." + std::string(slot.column) + " of " +
           std::string(slot.row_id);
}

}  // namespace

std::string secret_context(const SecretSlot& slot) {
    // The row id goes last: table and column are fixed words, so no id can make two slots'
    // contexts equal.
    return "secret/" + std::string(slot.table) + "/" + std::string(slot.column) + "/" +
           std::string(slot.row_id);
}

std::string seal_secret(std::string_view secret, const SecretSlot& slot,
                        const PersonalDataCipher* cipher) {
    if (cipher == nullptr) {
        throw StorageError("no data key is configured; a webhook secret is never stored in clear");
    }
    return cipher->seal(secret, secret_context(slot));
}

std::string open_secret(std::string_view stored, const SecretSlot& slot,
                        const PersonalDataCipher* cipher) {
    // Generated secrets start "whsec_", so only a value sealed here parses as an envelope.
    if (!domain::parse_sealed(stored)) return std::string(stored);
    if (cipher == nullptr) {
        throw StorageError(where(slot) + " is encrypted and no data key is configured");
    }
    try {
        return cipher->open(stored, secret_context(slot));
    } catch (const std::runtime_error& e) {
        // The reason (unknown key, tampered, moved) never contains the value.
        throw StorageError(where(slot) + " does not decrypt: " + e.what());
    }
}

bool secret_needs_reseal(std::string_view stored, const PersonalDataCipher& cipher) {
    return cipher.key_id_of(stored) != cipher.current_key_id();
}

}  // namespace clue_router::storage
