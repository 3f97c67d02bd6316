#pragma once
// People sign in (issue 15): a password checked against the stored Argon2id hash, then a
// session whose token (32 random bytes) goes to the browser in a cookie and whose SHA-256 alone
// is stored. A session ends at sign-out, after `idle` without a request, at `lifetime` after
// sign-in whatever the activity, and when the person is disabled or her password is reset.
// Failures are throttled per account and per client address (service/sign_in_throttle) and
// answered alike whether the account exists, the password is wrong or the account is
// disabled; every sign-in and every failure is audited (never the password).
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/passwords.hpp"
#include "clue_router/service/second_factor.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/service/sign_in_throttle.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct SessionOptions {
    std::chrono::seconds idle{15 * 60};
    std::chrono::seconds lifetime{12 * 60 * 60};
    PasswordHashing hashing;
    SecondFactorOptions second_factor;
    ThrottleOptions account_throttle;
    ThrottleOptions address_throttle{10, std::chrono::seconds(1), std::chrono::seconds(15 * 60),
                                     std::chrono::seconds(60 * 60), 100'000};
};

struct SignedIn {
    std::string token;  // for the cookie; never stored
    storage::SessionRecord session;
    storage::Person person;
    bool second_factor_required = false;
    // Her role needs a second factor she has not enrolled: the session may do nothing but
    // enrol it (http/api refuses the rest).
    bool enrolment_required = false;
};
// One answer for every kind of refusal, so the reply tells nothing about the account.
struct SignInRefused {};
// The password was right; she has a second factor and sent no code with it.
struct SecondFactorNeeded {};
struct SignInThrottled {
    std::chrono::seconds retry_after;
};
using SignInOutcome = std::variant<SignedIn, SignInRefused, SignInThrottled, SecondFactorNeeded>;

struct SessionActor {
    Actor actor;
    storage::SessionRecord session;
    storage::Person person;
    bool second_factor_required = false;
    // Required and not enrolled: the session may only enrol it.
    bool enrolment_required = false;
};

class Sessions {
  public:
    // How often a session's last_seen_at may be written: the idle timeout is as exact as this.
    static constexpr std::chrono::seconds kTouchResolution{30};

    Sessions(storage::Store& store, const Clock& clock, SessionOptions options);

    // {"username", "password", "totp_code"?, "recovery_code"?}. `client` is the client address (for
    // the throttle and the trail), `request_id` the request's.
    void sign_in(const nlohmann::json& body, const std::string& client,
                 const std::string& request_id, std::function<void(Result<SignInOutcome>)> done);
    // The person behind a session token, or nullopt when the token is unknown, expired, or its
    // person disabled. Touches the session (at most every kTouchResolution).
    std::optional<SessionActor> authenticate(storage::Reader& reader, std::string_view token);
    void sign_out(const Actor& actor, std::string_view token, Completion<bool> done);

    const SessionOptions& options() const { return options_; }
    // Enrolling the second factor, for the person signed in.
    SecondFactorService& second_factor() { return second_factor_; }

  private:
    void refuse(const std::string& client, const std::optional<storage::Person>& person,
                const std::string& why, const std::string& request_id,
                std::function<void(Result<SignInOutcome>)> done);
    void touch(const std::string& token_hash, domain::Timestamp now);
    void open_session(storage::Person person, Role role, const std::string& password,
                      const SecondFactorProof& proof, const std::string& client,
                      const std::string& request_id,
                      std::function<void(Result<SignInOutcome>)> done);

    storage::Store& store_;
    const Clock& clock_;
    SessionOptions options_;
    SecondFactorService second_factor_;
    SignInThrottle accounts_;
    SignInThrottle addresses_;
    // Verified when there is no such person, so that the reply takes as long as for a wrong
    // password.
    std::string dummy_hash_;
    std::mutex touch_mutex_;
    std::unordered_map<std::string, domain::Timestamp> touched_;
};

std::string hash_session_token(std::string_view token);
// The CSRF token of a session: derived from its token (HMAC), so it needs no storage and
// cannot be computed from the database.
std::string csrf_token_for(std::string_view token);
nlohmann::json to_json(const SessionActor& s, const std::string& csrf_token);

}  // namespace clue_router::service
