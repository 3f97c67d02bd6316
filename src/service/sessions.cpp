#include "clue_router/service/sessions.hpp"

#include <algorithm>
#include <cctype>

#include "clue_router/domain/base64.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/people.hpp"

namespace clue_router::service {

namespace {
constexpr std::string_view kTokenPrefix = "crs_";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

Actor person_actor(const storage::Person& p, Role role, const std::string& request_id) {
    Actor a{p.id, p.agency_id, role, request_id};
    a.person_id = p.id;
    a.person_name = p.display_name;
    return a;
}

// The actor of a failed sign-in: nobody yet, from this address.
Actor anonymous_actor(const std::string& request_id) {
    return Actor{"anonymous", "", Role::intake, request_id};
}
}  // namespace

std::string hash_session_token(std::string_view token) {
    return sha256_hex(token);
}

std::string csrf_token_for(std::string_view token) {
    return domain::base64url_encode(hmac_sha256(token, "clue-router csrf v1"));
}

nlohmann::json to_json(const SessionActor& s, const std::string& csrf_token) {
    return {{"person", to_json(s.person)},
            {"session",
             {{"id", s.session.id},
              {"created_at", domain::format_rfc3339(s.session.created_at)},
              {"last_seen_at", domain::format_rfc3339(s.session.last_seen_at)},
              {"expires_at", domain::format_rfc3339(s.session.expires_at)}}},
            {"csrf_token", csrf_token}};
}

Sessions::Sessions(storage::Store& store, const Clock& clock, SessionOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      accounts_(options_.account_throttle),
      addresses_(options_.address_throttle),
      dummy_hash_(hash_password(domain::base64url_encode(random_bytes(18)), options_.hashing)) {}

void Sessions::sign_in(const nlohmann::json& body, const std::string& client,
                       const std::string& request_id,
                       std::function<void(Result<SignInOutcome>)> done) {
    const auto member = [&](const char* name) -> std::optional<std::string> {
        if (!body.contains(name) || !body[name].is_string()) return std::nullopt;
        return body[name].get<std::string>();
    };
    domain::FieldErrors errors;
    const auto username_member = member("username");
    const auto password = member("password");
    if (!username_member || username_member->empty() || username_member->size() > 64) {
        errors.push_back({"/username", "must be a string of 1 to 64 bytes"});
    }
    if (!password || password->empty() || password->size() > 1024) {
        errors.push_back({"/password", "must be a string of 1 to 1024 bytes"});
    }
    if (!errors.empty()) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "sign in with a username and a password", errors)));
    }
    const std::string username = lower(*username_member);
    const auto now = clock_.now();
    const std::string account_key = "account:" + username;
    const std::string address_key = "address:" + client;
    const auto wait_account = accounts_.wait(account_key, now);
    const auto wait_address = addresses_.wait(address_key, now);
    if (wait_account || wait_address) {
        // Throttled tries are not judged, so they are neither counted nor audited one by one:
        // a flood must not become a flood of audit rows.
        return done(SignInOutcome{
            SignInThrottled{std::max(wait_account.value_or(std::chrono::seconds(0)),
                                     wait_address.value_or(std::chrono::seconds(0)))}});
    }
    std::optional<storage::Person> person;
    try {
        person = store_.reader()->find_person_by_username(username);
    } catch (const storage::StorageError&) {
        return done(
            domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable")));
    }
    const bool password_ok =
        verify_password(person ? person->password_hash : dummy_hash_, *password);
    const auto role = person ? parse_role(person->role) : std::nullopt;
    if (!person || !password_ok || person->disabled_at || !role) {
        accounts_.failure(account_key, now);
        addresses_.failure(address_key, now);
        return refuse(client, username, person, request_id, std::move(done));
    }
    accounts_.success(account_key);

    auto signed_in = std::make_shared<SignedIn>();
    signed_in->token = std::string(kTokenPrefix) + domain::base64url_encode(random_bytes(32));
    signed_in->session.token_hash = hash_session_token(signed_in->token);
    signed_in->session.id = "ses_" + new_uuid_v7(now);
    signed_in->session.person_id = person->id;
    signed_in->session.created_at = now;
    signed_in->session.last_seen_at = now;
    signed_in->session.expires_at = now + options_.lifetime;
    signed_in->person = *person;
    // The parameters changed since the hash was made: hash again, with the password at hand.
    if (needs_rehash(person->password_hash, options_.hashing)) {
        signed_in->person.password_hash = hash_password(*password, options_.hashing);
    }
    const bool rehashed = signed_in->person.password_hash != person->password_hash;
    const Actor actor = person_actor(*person, *role, request_id);
    store_.write(
        [signed_in, actor, rehashed, client](storage::WriteTransaction& tx) {
            tx.insert_session(signed_in->session);
            if (rehashed) tx.update_person(signed_in->person);
            append_audit(tx, actor, signed_in->session.created_at,
                         {"session.signed_in",
                          "session",
                          signed_in->session.id,
                          {{"client", client}, {"password_rehashed", rehashed}}});
        },
        [signed_in, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the session could not be stored")));
            }
            done(SignInOutcome{std::move(*signed_in)});
        });
}

void Sessions::refuse(const std::string& client, const std::string& username,
                      const std::optional<storage::Person>& person, const std::string& request_id,
                      std::function<void(Result<SignInOutcome>)> done) {
    (void)username;  // never audited: a mistyped password often lands in the username field
    const auto now = clock_.now();
    const std::string why = !person               ? "no_such_person"
                            : person->disabled_at ? "disabled"
                                                  : "wrong_password";
    const std::string record_id = person ? person->id : "unknown";
    store_.write(
        [=](storage::WriteTransaction& tx) {
            append_audit(tx, anonymous_actor(request_id), now,
                         {"session.sign_in_failed",
                          "person",
                          record_id,
                          {{"client", client}, {"reason", why}}});
        },
        [done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the database is unavailable")));
            }
            done(SignInOutcome{SignInRefused{}});
        });
}

std::optional<SessionActor> Sessions::authenticate(storage::Reader& reader,
                                                   std::string_view token) {
    if (token.size() < kTokenPrefix.size() + 16 || token.size() > 128 ||
        token.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
        return std::nullopt;
    }
    const std::string token_hash = hash_session_token(token);
    auto session = reader.find_session(token_hash);
    if (!session) return std::nullopt;
    const auto now = clock_.now();
    // A touch queued but not yet committed counts: the writer may lag a burst of requests.
    {
        std::lock_guard lock(touch_mutex_);
        if (const auto it = touched_.find(token_hash); it != touched_.end()) {
            session->last_seen_at = std::max(session->last_seen_at, it->second);
        }
    }
    if (now >= session->expires_at || now - session->last_seen_at >= options_.idle) {
        return std::nullopt;
    }
    auto person = reader.find_person(session->person_id);
    if (!person || person->disabled_at) return std::nullopt;
    // A reset password ends the sessions begun before it, even one a race let through.
    if (person->password_changed_at > session->created_at) return std::nullopt;
    const auto role = parse_role(person->role);
    if (!role) return std::nullopt;
    touch(token_hash, now);
    SessionActor out{person_actor(*person, *role, ""), std::move(*session), std::move(*person)};
    return out;
}

void Sessions::touch(const std::string& token_hash, domain::Timestamp now) {
    {
        std::lock_guard lock(touch_mutex_);
        auto [it, fresh] = touched_.try_emplace(token_hash, now);
        if (!fresh) {
            if (now - it->second < kTouchResolution) return;
            it->second = now;
        }
        if (touched_.size() > 100'000) touched_.clear();
    }
    store_.write(
        [token_hash, now](storage::WriteTransaction& tx) { tx.touch_session(token_hash, now); },
        nullptr);
}

void Sessions::sign_out(const Actor& actor, std::string_view token, Completion<bool> done) {
    const std::string token_hash = hash_session_token(token);
    const auto now = clock_.now();
    auto ended = std::make_shared<bool>(false);
    store_.write(
        [=](storage::WriteTransaction& tx) {
            *ended = tx.delete_session(token_hash);
            if (*ended) {
                append_audit(tx, actor, now, {"session.signed_out", "person", actor.person_id, {}});
            }
        },
        [ended, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the sign-out could not be stored")));
            }
            done(*ended);
        });
}

}  // namespace clue_router::service
