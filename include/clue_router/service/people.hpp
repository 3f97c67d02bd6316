#pragma once
// People's accounts (issue 15): admins create them, list them, disable them and reset their
// passwords, for the agencies they may administer (service/admin_scope); the command line
// acts for the whole deployment. Disabling or resetting ends every session of the person in
// the same unit of work. Passwords are checked (domain/password_policy) and hashed with
// Argon2id (service/passwords) on the caller's thread, never on the writer's.
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/password_policy.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/passwords.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct PeopleOptions {
    PasswordHashing hashing;
    std::shared_ptr<const domain::CommonPasswords> common_passwords =
        std::make_shared<const domain::CommonPasswords>();
};

class PeopleService {
  public:
    PeopleService(storage::Store& store, const Clock& clock, PeopleOptions options)
        : store_(store), clock_(clock), options_(std::move(options)) {}

    // {"username", "display_name", "agency", "role", "password"}: 201 with the person.
    void create(const Actor& actor, const nlohmann::json& body, Completion<storage::Person> done);
    // Everyone the actor may administer, by id.
    Result<nlohmann::json> list(const Actor& actor);
    void disable(const Actor& actor, const std::string& person_id,
                 Completion<storage::Person> done);
    // {"password"}: the new password; every session of the person ends.
    void reset_password(const Actor& actor, const std::string& person_id,
                        const nlohmann::json& body, Completion<storage::Person> done);

    // Removes her second factor (a lost phone and lost recovery codes); every session of the
    // person ends, and she enrols again at her next sign-in where her role requires it.
    void reset_second_factor(const Actor& actor, const std::string& person_id,
                             Completion<storage::Person> done);

    const PeopleOptions& options() const { return options_; }

  private:
    // The person, when the actor may administer her; not_found otherwise (no hint that she
    // exists elsewhere).
    Result<storage::Person> administrable(const Actor& actor, const std::string& person_id);
    bool may_administer_agency(const Actor& actor, const std::string& agency_id);
    enum class Change { password_or_status, second_factor };
    void store_change(const Actor& actor, storage::Person person, const char* action, Change change,
                      Completion<storage::Person> done);

    storage::Store& store_;
    const Clock& clock_;
    PeopleOptions options_;
};

// A person as the API and the command line show her: never her password hash.
nlohmann::json to_json(const storage::Person& person);

}  // namespace clue_router::service
