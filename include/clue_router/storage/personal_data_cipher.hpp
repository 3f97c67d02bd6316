#pragma once
// What storage needs to keep personal data encrypted at rest. The service layer implements
// it (service/data_keys: AES-256-GCM and HMAC-SHA256 through OpenSSL, keys from outside the
// database); storage calls it for every personal value it writes or reads, so nothing
// above storage ever sees a sealed value and nothing below it ever sees a clear one.
#include <string>
#include <string_view>

namespace clue_router::storage {

class PersonalDataCipher {
  public:
    virtual ~PersonalDataCipher() = default;

    // The key new values are sealed with.
    virtual std::string current_key_id() const = 0;
    // Encrypts under the current key with a fresh nonce; `context` (the record and field) is
    // authenticated with it, so a sealed value moved to another record or field fails to open.
    virtual std::string seal(std::string_view plain, std::string_view context) const = 0;
    // The clear value; throws std::runtime_error when the envelope is malformed, names an
    // unknown key, or fails authentication. The message never contains the value.
    virtual std::string open(std::string_view sealed, std::string_view context) const = 0;
    // The key id an envelope names, or "" when the text is not an envelope.
    virtual std::string key_id_of(std::string_view sealed) const = 0;
    // The blind index of a normalised identifier (domain::IdentifierTerm::indexed()): a keyed
    // hash, hex, equal for equal input, useless without the index key.
    virtual std::string blind_index(std::string_view term) const = 0;
};

}  // namespace clue_router::storage
