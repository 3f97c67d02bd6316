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
            {"second_factor",
             {{"required", s.second_factor_required},
              {"enrolled", s.person.totp_enrolled_at.has_value()},
              {"enrolment_required", s.enrolment_required},
              {"recovery_codes_left", static_cast<int>(s.person.recovery_code_hashes.size())}}},
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
      second_factor_(store, clock, options_.second_factor),
      accounts_(options_.account_throttle),
      addresses_(options_.address_throttle),
      dummy_hash_(hash_password(domain::base64url_encode(random_bytes(18)), options_.hashing)) {}

namespace {

std::optional<std::string> string_member(const nlohmann::json& body, const char* name) {
    if (!body.contains(name) || !body[name].is_string()) return std::nullopt;
    return body[name].get<std::string>();
}

// The second factor she sent, if any; field errors for a malformed one.
SecondFactorProof proof_of(const nlohmann::json& body, domain::FieldErrors& errors) {
    SecondFactorProof proof;
    if (body.contains("totp_code")) {
        proof.totp_code = string_member(body, "totp_code");
        const bool digits = proof.totp_code && proof.totp_code->size() == 6 &&
                            proof.totp_code->find_first_not_of("0123456789") == std::string::npos;
        if (!digits) errors.push_back({"/totp_code", "must be the 6 digits of the app's code"});
    }
    if (body.contains("recovery_code")) {
        proof.recovery_code = string_member(body, "recovery_code");
        if (!proof.recovery_code || proof.recovery_code->empty() ||
            proof.recovery_code->size() > 64) {
            errors.push_back({"/recovery_code", "must be one of your recovery codes"});
        }
    }
    if (proof.totp_code && proof.recovery_code) {
        errors.push_back({"/recovery_code", "send a totp_code or a recovery_code, not both"});
    }
    return proof;
}

const char* proof_kind(const SecondFactorProof& proof) {
    return proof.totp_code ? "totp" : proof.recovery_code ? "recovery_code" : "none";
}

}  // namespace

void Sessions::sign_in(const nlohmann::json& body, const std::string& client,
                       const std::string& request_id,
                       std::function<void(Result<SignInOutcome>)> done) {
    domain::FieldErrors errors;
    const auto username_member = string_member(body, "username");
    const auto password = string_member(body, "password");
    if (!username_member || username_member->empty() || username_member->size() > 64) {
        errors.push_back({"/username", "must be a string of 1 to 64 bytes"});
    }
    if (!password || password->empty() || password->size() > 1024) {
        errors.push_back({"/password", "must be a string of 1 to 1024 bytes"});
    }
    const SecondFactorProof proof = proof_of(body, errors);
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
        const std::string why = !person               ? "no_such_person"
                                : person->disabled_at ? "disabled"
                                                      : "wrong_password";
        return refuse(client, person, why, request_id, std::move(done));
    }
    if (person->totp_enrolled_at) {
        // The password was right: asking for the code tells only someone who knows it.
        if (proof.empty()) return done(SignInOutcome{SecondFactorNeeded{}});
        if (!consume_proof(*person, proof, now)) {
            accounts_.failure(account_key, now);
            addresses_.failure(address_key, now);
            return refuse(client, person, "wrong_second_factor", request_id, std::move(done));
        }
    }
    accounts_.success(account_key);
    // A proof sent to an account without a second factor is ignored, not consumed.
    const SecondFactorProof used = person->totp_enrolled_at ? proof : SecondFactorProof{};
    open_session(std::move(*person), *role, *password, used, client, request_id, std::move(done));
}

void Sessions::open_session(storage::Person person, Role role, const std::string& password,
                            const SecondFactorProof& proof, const std::string& client,
                            const std::string& request_id,
                            std::function<void(Result<SignInOutcome>)> done) {
    const auto now = clock_.now();
    auto signed_in = std::make_shared<SignedIn>();
    signed_in->token = std::string(kTokenPrefix) + domain::base64url_encode(random_bytes(32));
    signed_in->session.token_hash = hash_session_token(signed_in->token);
    signed_in->session.id = "ses_" + new_uuid_v7(now);
    signed_in->session.person_id = person.id;
    signed_in->session.created_at = now;
    signed_in->session.last_seen_at = now;
    signed_in->session.expires_at = now + options_.lifetime;
    signed_in->second_factor_required = second_factor_required(options_.second_factor, role);
    signed_in->enrolment_required = signed_in->second_factor_required && !person.totp_enrolled_at;
    const std::string previous_hash = person.password_hash;
    signed_in->person = std::move(person);
    // The parameters changed since the hash was made: hash again, with the password at hand.
    if (needs_rehash(previous_hash, options_.hashing)) {
        signed_in->person.password_hash = hash_password(password, options_.hashing);
    }
    const bool rehashed = signed_in->person.password_hash != previous_hash;
    const Actor actor = person_actor(signed_in->person, role, request_id);
    auto replayed = std::make_shared<bool>(false);
    store_.write(
        [signed_in, actor, rehashed, client, proof, now, replayed,
         request_id](storage::WriteTransaction& tx) {
            if (!proof.empty()) {
                // Judged again against the committed row: a code or recovery code used by a
                // sign-in that committed meanwhile is refused here.
                const auto fresh = tx.find_person(signed_in->person.id);
                const auto consumed = fresh ? consume_proof(*fresh, proof, now) : std::nullopt;
                if (!consumed) {
                    *replayed = true;
                    append_audit(tx, anonymous_actor(request_id), now,
                                 {"session.sign_in_failed",
                                  "person",
                                  signed_in->person.id,
                                  {{"client", client}, {"reason", "second_factor_reused"}}});
                    return;
                }
                tx.update_second_factor(*consumed);
                signed_in->person.recovery_code_hashes = consumed->recovery_code_hashes;
            }
            tx.insert_session(signed_in->session);
            if (rehashed) tx.update_person(signed_in->person);
            nlohmann::json detail = {{"client", client},
                                     {"password_rehashed", rehashed},
                                     {"second_factor", proof_kind(proof)}};
            if (proof.recovery_code) {
                detail["recovery_codes_left"] =
                    static_cast<int>(signed_in->person.recovery_code_hashes.size());
            }
            append_audit(tx, actor, signed_in->session.created_at,
                         {"session.signed_in", "session", signed_in->session.id, detail});
        },
        [signed_in, replayed, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the session could not be stored")));
            }
            if (*replayed) return done(SignInOutcome{SignInRefused{}});
            done(SignInOutcome{std::move(*signed_in)});
        });
}

void Sessions::refuse(const std::string& client, const std::optional<storage::Person>& person,
                      const std::string& why, const std::string& request_id,
                      std::function<void(Result<SignInOutcome>)> done) {
    // The username is never audited: a mistyped password often lands in the username field.
    const auto now = clock_.now();
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
    const bool required = second_factor_required(options_.second_factor, *role);
    const bool enrolment_required = required && !person->totp_enrolled_at;
    SessionActor out{person_actor(*person, *role, ""), std::move(*session), std::move(*person),
                     required, enrolment_required};
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
