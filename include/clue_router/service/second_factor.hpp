#pragma once
// The second factor of people's accounts (issue 15): a TOTP key (RFC 6238, service/totp) that
// she enrols by proving one code from it, and ten one-time recovery codes for a lost phone.
// It is required of the roles in `required_for` — by default those who may read personal data
// in clear (intake, staff) and admins — and optional for the rest (supervisors see figures).
//
// Every proof is good once: the time step of an accepted code and a used recovery code are
// recorded in the unit of work that accepts them, judged again there against the row as
// committed, so two sign-ins racing with one code cannot both pass.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct SecondFactorOptions {
    std::vector<Role> required_for{Role::intake, Role::staff, Role::admin};
    // What authenticator apps show beside the account.
    std::string issuer = "clue-router";
};

bool second_factor_required(const SecondFactorOptions& options, Role role);

// What she sent beside her password: a code from her app, or one of her recovery codes.
struct SecondFactorProof {
    std::optional<std::string> totp_code;
    std::optional<std::string> recovery_code;
    bool empty() const { return !totp_code && !recovery_code; }
};

// The person with the proof consumed (the code's step recorded, or the recovery code struck
// off), or nullopt when the proof is refused: wrong, used before, or she has no second factor.
std::optional<storage::Person> consume_proof(storage::Person person, const SecondFactorProof& proof,
                                             domain::Timestamp at);

// `count` fresh recovery codes, "ABCD-EFGH-JKLM" (60 random bits each), and the hash kept of
// one: case, spaces and dashes do not matter when she types it.
std::vector<std::string> new_recovery_codes(int count);
std::string recovery_code_hash(std::string_view code);

class SecondFactorService {
  public:
    static constexpr int kRecoveryCodes = 10;

    SecondFactorService(storage::Store& store, const Clock& clock, SecondFactorOptions options)
        : store_(store), clock_(clock), options_(std::move(options)) {}

    // POST /v1/sessions/current/totp: a new key for the person signed in, not yet in force;
    // {"secret" (base32), "otpauth_uri"}. Begun again, it replaces the key not yet confirmed.
    // 409 once enrolled: an admin resets the second factor first.
    void begin(const Actor& actor, Completion<nlohmann::json> done);
    // POST /v1/sessions/current/totp/confirm {"code"}: the key is in force from now on;
    // {"recovery_codes": [...]}, shown this once.
    void confirm(const Actor& actor, const nlohmann::json& body, Completion<nlohmann::json> done);

    const SecondFactorOptions& options() const { return options_; }

  private:
    storage::Store& store_;
    const Clock& clock_;
    SecondFactorOptions options_;
};

// "otpauth://totp/<issuer>:<username>?secret=…&issuer=…" as authenticator apps read it.
std::string otpauth_uri(std::string_view issuer, std::string_view username,
                        std::string_view secret);

}  // namespace clue_router::service
