#pragma once
// People's accounts and their sessions (issue 15). Functions over a connection, called from
// the SQLite store. Session rows hold the SHA-256 of their token, never the token; the TOTP
// key is sealed with the data keyring (storage/sealed_secrets), bound to its row.
#include <optional>
#include <string>
#include <vector>

#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_people {

void insert_person(sqlite::Connection& c, const PersonalDataCipher* cipher, const Person& p);
std::optional<Person> find_person(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                  const std::string& id);
std::optional<Person> find_by_username(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                       const std::string& username);
std::vector<Person> list_people(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                const std::optional<std::string>& agency);
bool update_person(sqlite::Connection& c, const Person& p);
bool update_second_factor(sqlite::Connection& c, const PersonalDataCipher* cipher, const Person& p);

void insert_session(sqlite::Connection& c, const SessionRecord& s);
std::optional<SessionRecord> find_session(sqlite::Connection& c, const std::string& token_hash);
bool touch_session(sqlite::Connection& c, const std::string& token_hash, Timestamp at);
bool delete_session(sqlite::Connection& c, const std::string& token_hash);
int delete_sessions_of(sqlite::Connection& c, const std::string& person_id);

}  // namespace clue_router::storage::sqlite_people
