#pragma once
// One woman, one case: case rows, the case of each clue, which tickets carry which clues,
// and the separations staff made by hand. Functions over a connection, called from the
// SQLite store. Nothing here reads a clue's sealed document.
#include <optional>
#include <string>
#include <vector>

#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_cases {

void insert(sqlite::Connection& c, const CaseRecord& record);
void update(sqlite::Connection& c, const CaseRecord& record);
std::optional<CaseRecord> find(sqlite::Connection& c, const std::string& id);
std::vector<CaseRecord> all(sqlite::Connection& c);

std::optional<CaseClue> clue_ref(sqlite::Connection& c, const std::string& clue_id);
std::vector<CaseClue> clues_of(sqlite::Connection& c, const std::string& case_id);
std::vector<CaseClue> all_clues(sqlite::Connection& c);
std::vector<Coverage> coverage_of(sqlite::Connection& c, const std::string& case_id);
std::vector<Coverage> all_coverage(sqlite::Connection& c);

domain::CaseIdentity identity(sqlite::Connection& c, const std::string& case_id);
std::vector<CaseMatch> open_matches(sqlite::Connection& c, const std::string& case_id);
bool separated(sqlite::Connection& c, const std::string& case_id, const std::string& other);
std::string older(sqlite::Connection& c, const std::string& case_id, const std::string& other);
void move_clues(sqlite::Connection& c, const std::string& from, const std::string& into);
void set_clue_case(sqlite::Connection& c, const std::string& clue_id, const std::string& case_id);
bool cover(sqlite::Connection& c, const std::string& ticket_id, const std::string& clue_id,
           Timestamp at);
bool uncover(sqlite::Connection& c, const std::string& ticket_id, const std::string& clue_id);
void separate(sqlite::Connection& c, const std::string& clue_id, const std::string& other_id,
              Timestamp at, const std::string& by);
void remove_separations(sqlite::Connection& c, const std::string& case_id,
                        const std::string& other);
void unlink_from_case(sqlite::Connection& c, const std::string& clue_id,
                      const std::string& case_id);
std::optional<std::string> clue_by_reference(sqlite::Connection& c, const std::string& sender,
                                             const std::string& reference);

std::vector<std::pair<std::string, domain::CaseIdentifier>> all_identifiers(sqlite::Connection& c);
std::vector<std::pair<std::string, std::string>> all_separations(sqlite::Connection& c);

}  // namespace clue_router::storage::sqlite_cases
