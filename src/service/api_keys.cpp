#include "clue_router/service/api_keys.hpp"

#include <memory>

#include "clue_router/domain/base64.hpp"
#include "clue_router/service/admin_scope.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {
constexpr std::string_view kSecretPrefix = "crk_";

ServiceError admins_only() {
    return error(ErrorKind::forbidden, "only admins manage keys");
}

ServiceError unavailable() {
    return error(ErrorKind::unavailable, "the database is unavailable");
}

bool made_for_another_agency(const storage::ApiKey& k) {
    return k.created_by_agency && *k.created_by_agency != k.agency_id;
}

// An admin manages the keys of her region's agencies (issue 14 item 3); the command line's
// actor has no agency and manages all.
bool manages(const Actor& actor, const std::vector<domain::Agency>& agencies,
             const std::string& agency_id) {
    return actor.agency_id.empty() || actor.agency_id == agency_id ||
           may_administer(agencies, actor.agency_id, agency_id);
}

// The audit record of a key's making: whether it was made for another agency is in it, so
// the trail shows such a key for what it is.
AuditRecord key_created(const storage::ApiKey& k) {
    nlohmann::json detail{{"agency", k.agency_id}, {"role", k.role}};
    if (made_for_another_agency(k)) detail["for_another_agency"] = true;
    return {"api_key.created", "api_key", k.id, std::move(detail)};
}
}  // namespace

std::string hash_api_key(std::string_view secret) {
    return sha256_hex(secret);
}

nlohmann::json to_json(const storage::ApiKey& k) {
    auto time_or_null = [](const std::optional<domain::Timestamp>& t) -> nlohmann::json {
        if (!t) return nullptr;
        return domain::format_rfc3339(*t);
    };
    return {{"id", k.id},
            {"agency", k.agency_id},
            {"role", k.role},
            {"label", k.label},
            {"created_at", domain::format_rfc3339(k.created_at)},
            {"expires_at", time_or_null(k.expires_at)},
            {"revoked_at", time_or_null(k.revoked_at)},
            {"last_used_at", time_or_null(k.last_used_at)},
            {"created_by",
             {{"key_id", k.created_by_key ? nlohmann::json(*k.created_by_key) : nlohmann::json()},
              {"agency",
               k.created_by_agency ? nlohmann::json(*k.created_by_agency) : nlohmann::json()}}},
            {"created_for_another_agency", made_for_another_agency(k)}};
}

CreatedKey ApiKeys::make(const Actor& by, const std::string& agency_id, Role role,
                         const std::string& label,
                         std::optional<domain::Timestamp> expires_at) const {
    const auto now = clock_.now();
    CreatedKey created;
    created.key.id = "key_" + new_uuid_v7(now);
    created.key.agency_id = agency_id;
    created.key.role = std::string(to_string(role));
    created.key.label = label;
    created.key.created_at = now;
    created.key.expires_at = expires_at;
    created.key.created_by_key = by.key_id;
    if (!by.agency_id.empty()) created.key.created_by_agency = by.agency_id;
    created.secret = std::string(kSecretPrefix) + domain::base64url_encode(random_bytes(32));
    return created;
}

CreatedKey ApiKeys::create(const Actor& by, const std::string& agency_id, Role role,
                           const std::string& label, std::optional<domain::Timestamp> expires_at) {
    CreatedKey created = make(by, agency_id, role, label, expires_at);
    const std::string hash = hash_api_key(created.secret);
    storage::write_and_wait(store_, [&](storage::WriteTransaction& tx) {
        tx.insert_api_key(created.key, hash);
        append_audit(tx, by, created.key.created_at, key_created(created.key));
    });
    return created;
}

std::vector<storage::ApiKey> ApiKeys::list() {
    return store_.reader()->list_api_keys();
}

bool ApiKeys::revoke(const Actor& by, const std::string& key_id) {
    bool revoked = false;
    const auto now = clock_.now();
    storage::write_and_wait(store_, [&](storage::WriteTransaction& tx) {
        revoked = tx.revoke_api_key(key_id, now);
        if (revoked) append_audit(tx, by, now, {"api_key.revoked", "api_key", key_id, {}});
    });
    return revoked;
}

void ApiKeys::create_from(const Actor& actor, const nlohmann::json& body,
                          Completion<CreatedKey> done) {
    if (actor.role != Role::admin) return done(domain::unexpected(admins_only()));
    domain::FieldErrors errors;
    auto text = [&](const char* member, bool required, std::size_t max) -> std::string {
        const std::string pointer = std::string("/") + member;
        if (!body.contains(member)) {
            if (required) errors.push_back({pointer, "is required"});
            return {};
        }
        const auto& v = body[member];
        if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > max) {
            errors.push_back(
                {pointer, "must be a string of 1 to " + std::to_string(max) + " characters"});
            return {};
        }
        return v.get<std::string>();
    };
    for (const auto& [member, value] : body.items()) {
        if (member != "agency" && member != "role" && member != "label" && member != "expires_at") {
            errors.push_back({"/" + member, "is not a known member"});
        }
    }
    const std::string agency = text("agency", true, 64);
    const std::string role_text = text("role", true, 16);
    const std::string label = text("label", false, 200);
    const std::string expires_text = text("expires_at", false, 64);
    const auto role = parse_role(role_text);
    if (!role_text.empty() && !role) {
        errors.push_back({"/role", "must be one of intake, staff, supervisor, admin"});
    }
    std::optional<domain::Timestamp> expires_at;
    if (!expires_text.empty()) {
        expires_at = domain::parse_rfc3339(expires_text);
        if (!expires_at) {
            errors.push_back({"/expires_at", "must be an RFC 3339 time"});
        } else if (*expires_at <= clock_.now()) {
            errors.push_back({"/expires_at", "must be in the future"});
        }
    }
    // Checked whatever else is wrong: every field error comes back at once.
    if (!agency.empty()) {
        try {
            const auto agencies = store_.reader()->agencies();
            bool known = false;
            for (const auto& a : agencies) known = known || a.id == agency;
            if (!known) {
                errors.push_back({"/agency", "is not an agency in the directory"});
            } else if (!manages(actor, agencies, agency)) {
                errors.push_back({"/agency",
                                  "is outside this admin's region: an admin makes keys only for "
                                  "the agencies of her own region"});
            }
        } catch (const storage::StorageError&) {
            return done(domain::unexpected(unavailable()));
        }
    }
    if (!errors.empty()) {
        const auto n = errors.size();
        return done(domain::unexpected(
            error(ErrorKind::validation,
                  std::to_string(n) + (n == 1 ? " field needs" : " fields need") + " attention",
                  std::move(errors))));
    }
    auto created = std::make_shared<CreatedKey>(make(actor, agency, *role, label, expires_at));
    store_.write(
        [created, actor, hash = hash_api_key(created->secret)](storage::WriteTransaction& tx) {
            tx.insert_api_key(created->key, hash);
            append_audit(tx, actor, created->key.created_at, key_created(created->key));
        },
        [created, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the key could not be stored; none was made")));
            }
            done(std::move(*created));
        });
}

Result<nlohmann::json> ApiKeys::list_for(const Actor& actor) {
    if (actor.role != Role::admin) return domain::unexpected(admins_only());
    try {
        const auto agencies = store_.reader()->agencies();
        nlohmann::json items = nlohmann::json::array();
        for (const auto& k : list()) {
            if (manages(actor, agencies, k.agency_id)) items.push_back(to_json(k));
        }
        return nlohmann::json{{"items", std::move(items)}, {"next_cursor", nullptr}};
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

void ApiKeys::revoke_from(const Actor& actor, const std::string& key_id,
                          Completion<storage::ApiKey> done) {
    if (actor.role != Role::admin) return done(domain::unexpected(admins_only()));
    // A key outside the admin's region is, to her, no key at all.
    try {
        const auto agencies = store_.reader()->agencies();
        bool found = false;
        for (const auto& k : store_.reader()->list_api_keys()) {
            found = found || (k.id == key_id && manages(actor, agencies, k.agency_id));
        }
        if (!found) return done(domain::unexpected(error(ErrorKind::not_found, "no such key")));
    } catch (const storage::StorageError&) {
        return done(domain::unexpected(unavailable()));
    }
    const auto now = clock_.now();
    store_.write(
        [=](storage::WriteTransaction& tx) {
            if (tx.revoke_api_key(key_id, now)) {
                append_audit(tx, actor, now, {"api_key.revoked", "api_key", key_id, {}});
            }
        },
        [this, key_id, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the revocation could not be stored")));
            }
            // Revoking a revoked key answers with the key as it is: the first time stands.
            try {
                for (auto& k : store_.reader()->list_api_keys()) {
                    if (k.id == key_id) return done(std::move(k));
                }
                done(domain::unexpected(error(ErrorKind::not_found, "no such key")));
            } catch (const storage::StorageError&) {
                done(domain::unexpected(
                    error(ErrorKind::unavailable, "the database is unavailable")));
            }
        });
}

std::optional<Actor> ApiKeys::authenticate(storage::Reader& reader, std::string_view secret) {
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
    note_use(key->id, now);
    Actor actor{key->id, key->agency_id, *role, {}};
    if (made_for_another_agency(*key)) actor.issued_by_agency = *key->created_by_agency;
    return actor;
}

void ApiKeys::note_use(const std::string& key_id, domain::Timestamp now) {
    {
        std::lock_guard lock(last_used_mutex_);
        auto [it, fresh] = last_used_written_.try_emplace(key_id, now);
        if (!fresh) {
            if (now - it->second < kLastUsedResolution) return;
            it->second = now;
        }
    }
    // Fire and forget: a lost "last used" is not worth failing or delaying a request for.
    store_.write([key_id, now](storage::WriteTransaction& tx) { tx.touch_api_key(key_id, now); },
                 nullptr);
}

}  // namespace clue_router::service
