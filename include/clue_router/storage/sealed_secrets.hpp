#pragma once
// How the shared HMAC secrets of webhooks are kept at rest: each one sealed with the same
// cipher and envelope as a clue's personal data, bound to its table, row and column, so a copy
// of the database cannot sign a webhook in either direction. Used by the SQLite store; free
// of SQL so it can be tested alone.
//
// Rows written before secrets were sealed hold the clear secret ("whsec_…", never an
// envelope); they still read, and `keys rotate-data-key` seals them.
#include <string>
#include <string_view>

#include "clue_router/storage/personal_data_cipher.hpp"

namespace clue_router::storage {

// Where a secret is stored, which is what its envelope is bound to.
struct SecretSlot {
    std::string_view table;   // "webhook_endpoints" or "inbound_secrets"
    std::string_view row_id;  // the endpoint id, or the agency id
    std::string_view column;  // "secret" or "previous_secret"
};

// The authenticated context of a sealed secret: "secret/<table>/<column>/<row id>".
std::string secret_context(const SecretSlot& slot);

// The secret sealed under the cipher's current key. Throws StorageError without a cipher: a
// secret is never written in clear.
std::string seal_secret(std::string_view secret, const SecretSlot& slot,
                        const PersonalDataCipher* cipher);

// The clear secret from what is stored: opened when it is an envelope, as is when it was
// written before sealing. Throws StorageError naming the slot (never the value) when it does
// not open or there is no cipher to open it.
std::string open_secret(std::string_view stored, const SecretSlot& slot,
                        const PersonalDataCipher* cipher);

// Whether `keys rotate-data-key` must reseal it: clear, or sealed under another key.
bool secret_needs_reseal(std::string_view stored, const PersonalDataCipher& cipher);

}  // namespace clue_router::storage
