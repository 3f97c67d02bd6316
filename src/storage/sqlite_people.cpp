#include "clue_router/storage/sqlite_people.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/storage/sealed_secrets.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_people {

namespace {

using sqlite::Connection;
using sqlite::Statement;

#define PERSON_COLUMNS                                                                  \
    "id, username, agency_id, role, display_name, password_hash, created_at, "          \
    "password_changed_at, disabled_at, totp_secret, totp_enrolled_at, totp_last_step, " \
    "recovery_codes"

SecretSlot totp_slot(const std::string& person_id) {
    return {"people", person_id, "totp_secret"};
}

std::optional<std::string> sealed_totp(const Person& p, const PersonalDataCipher* cipher) {
    if (!p.totp_secret) return std::nullopt;
    return seal_secret(*p.totp_secret, totp_slot(p.id), cipher);
}

std::string recovery_codes_text(const Person& p) {
    return nlohmann::json(p.recovery_code_hashes).dump();
}

std::vector<std::string> recovery_codes_column(const Statement& s, int column) {
    const auto parsed = nlohmann::json::parse(s.text(column), nullptr, false);
    if (!parsed.is_array()) throw StorageError("people.recovery_codes is not a JSON array");
    std::vector<std::string> out;
    for (const auto& h : parsed) {
        if (!h.is_string()) throw StorageError("people.recovery_codes holds a non-string");
        out.push_back(h.get<std::string>());
    }
    return out;
}

Person person_row(const Statement& s, const PersonalDataCipher* cipher) {
    Person p;
    p.id = s.text(0);
    p.username = s.text(1);
    p.agency_id = s.text(2);
    p.role = s.text(3);
    p.display_name = s.text(4);
    p.password_hash = s.text(5);
    p.created_at = time_column(s, 6, "people.created_at");
    p.password_changed_at = time_column(s, 7, "people.password_changed_at");
    p.disabled_at = optional_time_column(s, 8, "people.disabled_at");
    if (const auto sealed = s.optional_text(9)) {
        p.totp_secret = open_secret(*sealed, totp_slot(p.id), cipher);
    }
    p.totp_enrolled_at = optional_time_column(s, 10, "people.totp_enrolled_at");
    p.totp_last_step = s.int64(11);
    p.recovery_code_hashes = recovery_codes_column(s, 12);
    return p;
}

#define SESSION_COLUMNS "token_hash, id, person_id, created_at, last_seen_at, expires_at"

SessionRecord session_row(const Statement& s) {
    SessionRecord r;
    r.token_hash = s.text(0);
    r.id = s.text(1);
    r.person_id = s.text(2);
    r.created_at = time_column(s, 3, "sessions.created_at");
    r.last_seen_at = time_column(s, 4, "sessions.last_seen_at");
    r.expires_at = time_column(s, 5, "sessions.expires_at");
    return r;
}

}  // namespace

void insert_person(Connection& c, const PersonalDataCipher* cipher, const Person& p) {
    auto q = c.query("INSERT INTO people (" PERSON_COLUMNS
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q->bind_all(p.id, p.username, p.agency_id, p.role, p.display_name, p.password_hash,
                time_text(p.created_at), time_text(p.password_changed_at), time_text(p.disabled_at),
                sealed_totp(p, cipher), time_text(p.totp_enrolled_at), p.totp_last_step,
                recovery_codes_text(p));
    q->run();
}

std::optional<Person> find_person(Connection& c, const PersonalDataCipher* cipher,
                                  const std::string& id) {
    auto q = c.query("SELECT " PERSON_COLUMNS " FROM people WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return person_row(*q, cipher);
}

std::optional<Person> find_by_username(Connection& c, const PersonalDataCipher* cipher,
                                       const std::string& username) {
    auto q = c.query("SELECT " PERSON_COLUMNS " FROM people WHERE username = ?");
    q->bind_all(username);
    if (!q->step()) return std::nullopt;
    return person_row(*q, cipher);
}

std::vector<Person> list_people(Connection& c, const PersonalDataCipher* cipher,
                                const std::optional<std::string>& agency) {
    auto q = c.query("SELECT " PERSON_COLUMNS
                     " FROM people WHERE ? IS NULL OR agency_id = ? ORDER BY id");
    q->bind_all(agency, agency);
    std::vector<Person> out;
    while (q->step()) out.push_back(person_row(*q, cipher));
    return out;
}

bool update_person(Connection& c, const Person& p) {
    auto q = c.query(
        "UPDATE people SET password_hash = ?, password_changed_at = ?, disabled_at = ? "
        "WHERE id = ?");
    q->bind_all(p.password_hash, time_text(p.password_changed_at), time_text(p.disabled_at), p.id);
    q->run();
    return c.changes() == 1;
}

bool update_second_factor(Connection& c, const PersonalDataCipher* cipher, const Person& p) {
    auto q = c.query(
        "UPDATE people SET totp_secret = ?, totp_enrolled_at = ?, totp_last_step = ?, "
        "recovery_codes = ? WHERE id = ?");
    q->bind_all(sealed_totp(p, cipher), time_text(p.totp_enrolled_at), p.totp_last_step,
                recovery_codes_text(p), p.id);
    q->run();
    return c.changes() == 1;
}

void insert_session(Connection& c, const SessionRecord& s) {
    auto q = c.query("INSERT INTO sessions (" SESSION_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)");
    q->bind_all(s.token_hash, s.id, s.person_id, time_text(s.created_at), time_text(s.last_seen_at),
                time_text(s.expires_at));
    q->run();
}

std::optional<SessionRecord> find_session(Connection& c, const std::string& token_hash) {
    auto q = c.query("SELECT " SESSION_COLUMNS " FROM sessions WHERE token_hash = ?");
    q->bind_all(token_hash);
    if (!q->step()) return std::nullopt;
    return session_row(*q);
}

bool touch_session(Connection& c, const std::string& token_hash, Timestamp at) {
    const std::string when = time_text(at);
    auto q =
        c.query("UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE token_hash = ?");
    q->bind_all(when, token_hash);
    q->run();
    return c.changes() == 1;
}

bool delete_session(Connection& c, const std::string& token_hash) {
    auto q = c.query("DELETE FROM sessions WHERE token_hash = ?");
    q->bind_all(token_hash);
    q->run();
    return c.changes() == 1;
}

int delete_sessions_of(Connection& c, const std::string& person_id) {
    auto q = c.query("DELETE FROM sessions WHERE person_id = ?");
    q->bind_all(person_id);
    q->run();
    return c.changes();
}

}  // namespace clue_router::storage::sqlite_people
