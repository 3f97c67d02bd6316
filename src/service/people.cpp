#include "clue_router/service/people.hpp"

#include <regex>

#include "clue_router/service/admin_scope.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_assignment.hpp"

namespace clue_router::service {

namespace {

ServiceError unavailable() {
    return error(ErrorKind::unavailable, "the database is unavailable");
}

ServiceError field_errors(domain::FieldErrors errors) {
    const auto n = errors.size();
    return error(ErrorKind::validation,
                 std::to_string(n) + (n == 1 ? " field needs" : " fields need") + " attention",
                 std::move(errors));
}

// A string member of 1..max bytes, or a field error.
std::string text_member(const nlohmann::json& body, const char* member, std::size_t max,
                        domain::FieldErrors& errors) {
    const std::string pointer = std::string("/") + member;
    if (!body.contains(member)) {
        errors.push_back({pointer, "is required"});
        return {};
    }
    const auto& v = body[member];
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > max) {
        errors.push_back({pointer, "must be a string of 1 to " + std::to_string(max) + " bytes"});
        return {};
    }
    return v.get<std::string>();
}

void unknown_members(const nlohmann::json& body, std::initializer_list<std::string_view> known,
                     domain::FieldErrors& errors) {
    for (const auto& [member, value] : body.items()) {
        if (std::find(known.begin(), known.end(), member) == known.end()) {
            errors.push_back({"/" + member, "is not a known member"});
        }
    }
}

}  // namespace

nlohmann::json to_json(const storage::Person& p) {
    return {{"id", p.id},
            {"username", p.username},
            {"display_name", p.display_name},
            {"agency", p.agency_id},
            {"role", p.role},
            {"created_at", domain::format_rfc3339(p.created_at)},
            {"password_changed_at", domain::format_rfc3339(p.password_changed_at)},
            {"disabled_at",
             p.disabled_at ? nlohmann::json(domain::format_rfc3339(*p.disabled_at)) : nullptr},
            {"second_factor_enrolled_at",
             p.totp_enrolled_at ? nlohmann::json(domain::format_rfc3339(*p.totp_enrolled_at))
                                : nullptr}};
}

bool PeopleService::may_administer_agency(const Actor& actor, const std::string& agency_id) {
    if (actor.role != Role::admin) return false;
    // The command line and the service itself have no agency: they act for the deployment.
    if (actor.agency_id.empty() && !actor.is_person()) return true;
    return may_administer(store_.reader()->agencies(), actor.agency_id, agency_id);
}

void PeopleService::create(const Actor& actor, const nlohmann::json& body,
                           Completion<storage::Person> done) {
    if (actor.role != Role::admin) {
        return done(domain::unexpected(error(ErrorKind::forbidden, "only admins manage people")));
    }
    domain::FieldErrors errors;
    unknown_members(body, {"username", "display_name", "agency", "role", "password"}, errors);
    const std::string username = text_member(body, "username", 64, errors);
    const std::string display_name = text_member(body, "display_name", 100, errors);
    const std::string agency = text_member(body, "agency", 64, errors);
    const std::string role_text = text_member(body, "role", 16, errors);
    const std::string password =
        text_member(body, "password", 4 * domain::kMaxPasswordLength, errors);
    static const std::regex kUsername("[a-z0-9][a-z0-9._-]{2,63}");
    if (!username.empty() && !std::regex_match(username, kUsername)) {
        errors.push_back({"/username",
                          "must be 3 to 64 characters: lower-case letters, digits, '.', '_', "
                          "'-', starting with a letter or digit"});
    }
    if (!role_text.empty() && !parse_role(role_text)) {
        errors.push_back({"/role", "must be one of intake, staff, supervisor, admin"});
    }
    if (!password.empty()) {
        if (auto problem = domain::password_problem(password, *options_.common_passwords)) {
            errors.push_back({"/password", *problem});
        }
    }
    try {
        auto reader = store_.reader();
        if (!agency.empty()) {
            bool known = false;
            for (const auto& a : reader->agencies()) known = known || a.id == agency;
            if (!known) {
                errors.push_back({"/agency", "is not an agency in the directory"});
            } else if (!may_administer_agency(actor, agency)) {
                errors.push_back({"/agency", "is not an agency you administer"});
            }
        }
        if (!username.empty() && reader->find_person_by_username(username)) {
            errors.push_back({"/username", "is taken"});
        }
    } catch (const storage::StorageError&) {
        return done(domain::unexpected(unavailable()));
    }
    if (!errors.empty()) return done(domain::unexpected(field_errors(std::move(errors))));

    storage::Person person;
    const auto now = clock_.now();
    person.id = "psn_" + new_uuid_v7(now);
    person.username = username;
    person.display_name = display_name;
    person.agency_id = agency;
    person.role = role_text;
    person.password_hash = hash_password(password, options_.hashing);
    person.created_at = now;
    person.password_changed_at = now;
    auto shared = std::make_shared<storage::Person>(std::move(person));
    store_.write(
        [shared, actor](storage::WriteTransaction& tx) {
            tx.insert_person(*shared);
            append_audit(tx, actor, shared->created_at,
                         {"person.created",
                          "person",
                          shared->id,
                          {{"agency", shared->agency_id}, {"role", shared->role}}});
        },
        [shared, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                // Most likely the username, taken meanwhile by a concurrent create.
                return done(domain::unexpected(
                    error(ErrorKind::conflict, "the account could not be stored; none was made")));
            }
            done(std::move(*shared));
        });
}

Result<nlohmann::json> PeopleService::list(const Actor& actor) {
    if (actor.role != Role::admin) {
        return domain::unexpected(error(ErrorKind::forbidden, "only admins manage people"));
    }
    try {
        auto reader = store_.reader();
        const auto agencies = reader->agencies();
        nlohmann::json items = nlohmann::json::array();
        for (const auto& p : reader->list_people(std::nullopt)) {
            const bool deployment = actor.agency_id.empty() && !actor.is_person();
            if (deployment || may_administer(agencies, actor.agency_id, p.agency_id)) {
                items.push_back(to_json(p));
            }
        }
        return nlohmann::json{{"items", std::move(items)}, {"next_cursor", nullptr}};
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<storage::Person> PeopleService::administrable(const Actor& actor,
                                                     const std::string& person_id) {
    if (actor.role != Role::admin) {
        return domain::unexpected(error(ErrorKind::forbidden, "only admins manage people"));
    }
    try {
        auto person = store_.reader()->find_person(person_id);
        if (!person || !may_administer_agency(actor, person->agency_id)) {
            return domain::unexpected(error(ErrorKind::not_found, "no such person"));
        }
        return std::move(*person);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

void PeopleService::store_change(const Actor& actor, storage::Person person, const char* action,
                                 Change change, Completion<storage::Person> done) {
    const auto now = clock_.now();
    auto shared = std::make_shared<storage::Person>(std::move(person));
    store_.write(
        [shared, actor, action, now, change](storage::WriteTransaction& tx) {
            const bool updated = change == Change::second_factor ? tx.update_second_factor(*shared)
                                                                 : tx.update_person(*shared);
            if (!updated) throw storage::StorageError("the person is gone");
            const int ended = tx.delete_sessions_of(shared->id);
            nlohmann::json detail{{"sessions_ended", ended}};
            if (shared->disabled_at) {
                detail["tickets_released"] =
                    release_assignments(tx, actor, shared->agency_id, shared->id, now);
            }
            append_audit(tx, actor, now, {action, "person", shared->id, std::move(detail)});
        },
        [shared, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the change could not be stored")));
            }
            done(std::move(*shared));
        });
}

void PeopleService::disable(const Actor& actor, const std::string& person_id,
                            Completion<storage::Person> done) {
    auto person = administrable(actor, person_id);
    if (!person) return done(domain::unexpected(person.error()));
    // Disabling twice keeps the first time, and still ends any session.
    if (!person->disabled_at) person->disabled_at = clock_.now();
    store_change(actor, std::move(*person), "person.disabled", Change::password_or_status,
                 std::move(done));
}

void PeopleService::reset_password(const Actor& actor, const std::string& person_id,
                                   const nlohmann::json& body, Completion<storage::Person> done) {
    auto person = administrable(actor, person_id);
    if (!person) return done(domain::unexpected(person.error()));
    domain::FieldErrors errors;
    unknown_members(body, {"password"}, errors);
    const std::string password =
        text_member(body, "password", 4 * domain::kMaxPasswordLength, errors);
    if (!password.empty()) {
        if (auto problem = domain::password_problem(password, *options_.common_passwords)) {
            errors.push_back({"/password", *problem});
        }
    }
    if (!errors.empty()) return done(domain::unexpected(field_errors(std::move(errors))));
    person->password_hash = hash_password(password, options_.hashing);
    person->password_changed_at = clock_.now();
    store_change(actor, std::move(*person), "person.password_reset", Change::password_or_status,
                 std::move(done));
}

void PeopleService::reset_second_factor(const Actor& actor, const std::string& person_id,
                                        Completion<storage::Person> done) {
    auto person = administrable(actor, person_id);
    if (!person) return done(domain::unexpected(person.error()));
    person->totp_secret.reset();
    person->totp_enrolled_at.reset();
    person->totp_last_step = 0;
    person->recovery_code_hashes.clear();
    store_change(actor, std::move(*person), "person.second_factor_reset", Change::second_factor,
                 std::move(done));
}

}  // namespace clue_router::service
