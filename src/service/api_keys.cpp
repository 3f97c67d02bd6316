#include "clue_router/service/api_keys.hpp"

#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {
constexpr std::string_view kSecretPrefix = "crk_";
}

std::string hash_api_key(std::string_view secret) {
    return sha256_hex(secret);
}

CreatedKey ApiKeys::create(const std::string& agency_id, Role role, const std::string& label,
                           std::optional<domain::Timestamp> expires_at) {
    const auto now = clock_.now();
    CreatedKey created;
    created.key.id = "key_" + new_uuid_v7(now);
    created.key.agency_id = agency_id;
    created.key.role = std::string(to_string(role));
    created.key.label = label;
    created.key.created_at = now;
    created.key.expires_at = expires_at;
    created.secret = std::string(kSecretPrefix) + base64url(random_bytes(32));
    const std::string hash = hash_api_key(created.secret);
    storage::write_and_wait(
        store_, [&](storage::WriteTransaction& tx) { tx.insert_api_key(created.key, hash); });
    return created;
}

std::vector<storage::ApiKey> ApiKeys::list() {
    return store_.reader()->list_api_keys();
}

bool ApiKeys::revoke(const std::string& key_id) {
    bool revoked = false;
    const auto now = clock_.now();
    storage::write_and_wait(
        store_, [&](storage::WriteTransaction& tx) { revoked = tx.revoke_api_key(key_id, now); });
    return revoked;
}

std::optional<Actor> ApiKeys::authenticate(storage::Reader& reader, std::string_view secret) const {
    // Refuse obviously malformed secrets before touching the database.
    if (secret.size() < kSecretPrefix.size() + 16 || secret.size() > 128 ||
        secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) {
        return std::nullopt;
    }
    const auto key = reader.find_api_key_by_hash(hash_api_key(secret));
    if (!key) return std::nullopt;
    const auto now = clock_.now();
    if (key->revoked_at && *key->revoked_at <= now) return std::nullopt;
    if (key->expires_at && *key->expires_at <= now) return std::nullopt;
    const auto role = parse_role(key->role);
    if (!role) return std::nullopt;
    return Actor{key->id, key->agency_id, *role};
}

}  // namespace clue_router::service
