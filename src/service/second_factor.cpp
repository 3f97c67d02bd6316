#include "clue_router/service/second_factor.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/totp.hpp"

namespace clue_router::service {

namespace {

constexpr std::size_t kKeyBytes = 20;  // 160 bits, as RFC 4226 recommends for HMAC-SHA-1

ServiceError unavailable() {
    return error(ErrorKind::unavailable, "the database is unavailable");
}

// RFC 3986: everything but the unreserved characters, percent-encoded.
std::string percent_encoded(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
    return out;
}

std::string normalised_recovery_code(std::string_view code) {
    std::string out;
    for (const unsigned char c : code) {
        if (c == '-' || c == ' ') continue;
        out += static_cast<char>(std::toupper(c));
    }
    return out;
}

std::optional<storage::Person> consume_totp(storage::Person person, std::string_view code,
                                            domain::Timestamp at) {
    if (!person.totp_secret || !person.totp_enrolled_at) return std::nullopt;
    const auto key = base32_decode(*person.totp_secret);
    if (!key) return std::nullopt;
    const auto step = verify_totp(*key, code, at);
    if (!step || static_cast<std::int64_t>(*step) <= person.totp_last_step) return std::nullopt;
    person.totp_last_step = static_cast<std::int64_t>(*step);
    return person;
}

std::optional<storage::Person> consume_recovery_code(storage::Person person,
                                                     std::string_view code) {
    if (!person.totp_enrolled_at) return std::nullopt;
    auto& hashes = person.recovery_code_hashes;
    const auto it = std::find(hashes.begin(), hashes.end(), recovery_code_hash(code));
    if (it == hashes.end()) return std::nullopt;
    hashes.erase(it);
    return person;
}

// The person signed in, read for a change of her own second factor.
Result<storage::Person> signed_in_person(storage::Store& store, const Actor& actor) {
    if (!actor.is_person()) {
        return domain::unexpected(
            error(ErrorKind::not_found, "no session: this request is made with a key"));
    }
    try {
        auto person = store.reader()->find_person(actor.person_id);
        if (!person) return domain::unexpected(error(ErrorKind::not_found, "no such person"));
        return std::move(*person);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

ServiceError already_enrolled() {
    return error(ErrorKind::conflict,
                 "the second factor is enrolled already; an admin resets it before it can be "
                 "enrolled again");
}

}  // namespace

bool second_factor_required(const SecondFactorOptions& options, Role role) {
    return std::find(options.required_for.begin(), options.required_for.end(), role) !=
           options.required_for.end();
}

std::optional<storage::Person> consume_proof(storage::Person person, const SecondFactorProof& proof,
                                             domain::Timestamp at) {
    if (proof.totp_code) return consume_totp(std::move(person), *proof.totp_code, at);
    if (proof.recovery_code) return consume_recovery_code(std::move(person), *proof.recovery_code);
    return std::nullopt;
}

std::vector<std::string> new_recovery_codes(int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        // 8 random bytes make 13 base32 characters; the first 12 hold 60 bits.
        const std::string text = base32_encode(random_bytes(8)).substr(0, 12);
        out.push_back(text.substr(0, 4) + "-" + text.substr(4, 4) + "-" + text.substr(8, 4));
    }
    return out;
}

std::string recovery_code_hash(std::string_view code) {
    return sha256_hex(normalised_recovery_code(code));
}

std::string otpauth_uri(std::string_view issuer, std::string_view username,
                        std::string_view secret) {
    const std::string label = percent_encoded(issuer) + ":" + percent_encoded(username);
    return "otpauth://totp/" + label + "?secret=" + std::string(secret) +
           "&issuer=" + percent_encoded(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

void SecondFactorService::begin(const Actor& actor, Completion<nlohmann::json> done) {
    auto person = signed_in_person(store_, actor);
    if (!person) return done(domain::unexpected(person.error()));
    if (person->totp_enrolled_at) return done(domain::unexpected(already_enrolled()));
    auto shared = std::make_shared<storage::Person>(std::move(*person));
    shared->totp_secret = base32_encode(random_bytes(kKeyBytes));
    shared->totp_last_step = 0;
    shared->recovery_code_hashes.clear();
    const auto now = clock_.now();
    auto enrolled_meanwhile = std::make_shared<bool>(false);
    store_.write(
        [shared, actor, now, enrolled_meanwhile](storage::WriteTransaction& tx) {
            const auto fresh = tx.find_person(shared->id);
            if (!fresh) throw storage::StorageError("the person is gone");
            if (fresh->totp_enrolled_at) {
                *enrolled_meanwhile = true;
                return;
            }
            tx.update_second_factor(*shared);
            append_audit(tx, actor, now, {"person.second_factor_begun", "person", shared->id, {}});
        },
        [shared, enrolled_meanwhile, issuer = options_.issuer,
         done = std::move(done)](std::exception_ptr failure) {
            if (failure) return done(domain::unexpected(unavailable()));
            if (*enrolled_meanwhile) return done(domain::unexpected(already_enrolled()));
            done(nlohmann::json{
                {"secret", *shared->totp_secret},
                {"otpauth_uri", otpauth_uri(issuer, shared->username, *shared->totp_secret)}});
        });
}

void SecondFactorService::confirm(const Actor& actor, const nlohmann::json& body,
                                  Completion<nlohmann::json> done) {
    domain::FieldErrors errors;
    for (const auto& [member, value] : body.items()) {
        if (member != "code") errors.push_back({"/" + member, "is not a known member"});
    }
    if (!body.contains("code") || !body["code"].is_string()) {
        errors.push_back({"/code", "must be the 6 digits your authenticator app shows"});
    }
    if (!errors.empty()) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "confirm with a code from the app", errors)));
    }
    auto person = signed_in_person(store_, actor);
    if (!person) return done(domain::unexpected(person.error()));
    if (person->totp_enrolled_at) return done(domain::unexpected(already_enrolled()));
    if (!person->totp_secret) {
        return done(domain::unexpected(error(
            ErrorKind::conflict, "no enrolment is begun: POST /v1/sessions/current/totp first")));
    }
    const auto now = clock_.now();
    const auto key = base32_decode(*person->totp_secret);
    const auto step = key ? verify_totp(*key, body["code"].get<std::string>(), now) : std::nullopt;
    if (!step) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the code is not the app's code for this key now",
                  {{"/code", "is not the code the app shows now; check the phone's clock"}})));
    }
    auto codes = std::make_shared<std::vector<std::string>>(new_recovery_codes(kRecoveryCodes));
    auto shared = std::make_shared<storage::Person>(std::move(*person));
    shared->totp_enrolled_at = now;
    shared->totp_last_step = static_cast<std::int64_t>(*step);
    shared->recovery_code_hashes.clear();
    for (const auto& c : *codes) shared->recovery_code_hashes.push_back(recovery_code_hash(c));
    auto changed_meanwhile = std::make_shared<bool>(false);
    store_.write(
        [shared, actor, now, changed_meanwhile](storage::WriteTransaction& tx) {
            // The key confirmed must still be the one begun: a second begin replaced it.
            const auto fresh = tx.find_person(shared->id);
            if (!fresh) throw storage::StorageError("the person is gone");
            if (fresh->totp_enrolled_at || fresh->totp_secret != shared->totp_secret) {
                *changed_meanwhile = true;
                return;
            }
            tx.update_second_factor(*shared);
            append_audit(
                tx, actor, now,
                {"person.second_factor_enrolled",
                 "person",
                 shared->id,
                 {{"recovery_codes", static_cast<int>(shared->recovery_code_hashes.size())}}});
        },
        [codes, changed_meanwhile, done = std::move(done)](std::exception_ptr failure) {
            if (failure) return done(domain::unexpected(unavailable()));
            if (*changed_meanwhile) {
                return done(domain::unexpected(error(
                    ErrorKind::conflict,
                    "the enrolment changed meanwhile (begun again, or confirmed elsewhere)")));
            }
            done(nlohmann::json{{"recovery_codes", *codes}});
        });
}

}  // namespace clue_router::service
