#pragma once
// API keys: created with a secret shown once, stored only as a SHA-256 hash. A key is 32
// random bytes, so a fast hash is enough: there is nothing to brute-force that a slow
// password hash would protect. Every request reads the key row, so a revocation takes effect
// at the next request; "last used" is written at most once a minute per key.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct CreatedKey {
    storage::ApiKey key;
    std::string secret;  // "crk_…", shown once
};

class ApiKeys {
  public:
    // How often last_used_at may be written for one key.
    static constexpr std::chrono::seconds kLastUsedResolution{60};

    ApiKeys(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // Synchronous: for the command line, never on the request path. Audited as `by`.
    CreatedKey create(const Actor& by, const std::string& agency_id, Role role,
                      const std::string& label, std::optional<domain::Timestamp> expires_at);
    std::vector<storage::ApiKey> list();
    bool revoke(const Actor& by, const std::string& key_id);

    // The API (admins only, each for the agencies of her region: service/admin_scope).
    // create_from: {"agency", "role", "label"?, "expires_at"?}; the agency must be in the
    // directory stored at start.
    void create_from(const Actor& actor, const nlohmann::json& body, Completion<CreatedKey> done);
    Result<nlohmann::json> list_for(const Actor& actor);
    void revoke_from(const Actor& actor, const std::string& key_id,
                     Completion<storage::ApiKey> done);

    // The actor behind a bearer secret, or nullopt for an unknown, revoked or expired key.
    std::optional<Actor> authenticate(storage::Reader& reader, std::string_view secret);

  private:
    CreatedKey make(const Actor& by, const std::string& agency_id, Role role,
                    const std::string& label, std::optional<domain::Timestamp> expires_at) const;
    void note_use(const std::string& key_id, domain::Timestamp now);

    storage::Store& store_;
    const Clock& clock_;
    std::mutex last_used_mutex_;
    std::unordered_map<std::string, domain::Timestamp> last_used_written_;  // key id → time
};

std::string hash_api_key(std::string_view secret);
// A key as the API and the command line show it: never its hash or secret.
nlohmann::json to_json(const storage::ApiKey& key);

}  // namespace clue_router::service
