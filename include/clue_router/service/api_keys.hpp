#pragma once
// API keys: created with a secret shown once, stored only as a SHA-256 hash. A key is 32
// random bytes, so a fast hash is enough: there is nothing to brute-force that a slow
// password hash would protect.
#include <optional>
#include <string>
#include <vector>

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
    ApiKeys(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // Synchronous: for the command line, never on the request path.
    CreatedKey create(const std::string& agency_id, Role role, const std::string& label,
                      std::optional<domain::Timestamp> expires_at);
    std::vector<storage::ApiKey> list();
    bool revoke(const std::string& key_id);

    // The actor behind a bearer secret, or nullopt for an unknown, revoked or expired key.
    std::optional<Actor> authenticate(storage::Reader& reader, std::string_view secret) const;

  private:
    storage::Store& store_;
    const Clock& clock_;
};

std::string hash_api_key(std::string_view secret);

}  // namespace clue_router::service
