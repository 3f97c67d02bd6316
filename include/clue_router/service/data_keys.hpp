#pragma once
// The data keys that protect personal data at rest: AES-256-GCM (OpenSSL EVP) for the values,
// HMAC-SHA256 under a separate key for the blind index. Keys come from a keyring kept
// outside the database (a file or an environment variable named in the configuration), so a
// copy of the database alone reveals nobody.
//
// Keyring text, one entry per line (';' also separates entries, so it fits one variable):
//
//   current=dk20261123-9f3a
//   data.dk20261123-9f3a=<64 hex digits>      # AES-256 key; older ones stay for reading
//   data.dk20250101-0c1d=<64 hex digits>
//   index=<64 hex digits>                     # blind-index HMAC key
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "clue_router/domain/time.hpp"
#include "clue_router/storage/personal_data_cipher.hpp"

namespace clue_router::service {

class DataKeyring final : public storage::PersonalDataCipher {
  public:
    // Throws std::runtime_error saying what is wrong with the keyring, never quoting a key.
    static std::shared_ptr<const DataKeyring> parse(std::string_view text);

    // Keyring text with a fresh current data key: added to `existing` (whose keys all stay,
    // so values sealed under them still open), or with a fresh index key when empty.
    static std::string with_new_data_key(std::string_view existing, domain::Timestamp now);

    ~DataKeyring() override;
    DataKeyring(const DataKeyring&) = delete;
    DataKeyring& operator=(const DataKeyring&) = delete;

    std::string current_key_id() const override { return current_; }
    std::string seal(std::string_view plain, std::string_view context) const override;
    std::string open(std::string_view sealed, std::string_view context) const override;
    std::string key_id_of(std::string_view sealed) const override;
    std::string blind_index(std::string_view term) const override;
    // Whether the keyring holds a data key of this id (restore tells a missing key from a
    // wrong one).
    bool has_data_key(const std::string& id) const { return data_keys_.count(id) != 0; }

    // The keyring written back as text (for with_new_data_key).
    std::string to_text() const;

  private:
    DataKeyring() = default;

    std::map<std::string, std::string> data_keys_;  // id → 32 raw bytes
    std::string current_;
    std::string index_key_;  // 32 raw bytes
};

}  // namespace clue_router::service
