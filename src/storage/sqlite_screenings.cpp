#include "clue_router/storage/sqlite_screenings.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "clue_router/domain/screening.hpp"
#include "clue_router/storage/sqlite_sealed_texts.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_screenings {

namespace {

constexpr const char* kTable = "screenings";
constexpr const char* kColumn = "result_json";

#define SCREENING_COLUMNS "id, clue_id, criteria_version, score, priority, result_json, created_at"

StoredScreening screening_row(const sqlite::Statement& s, const PersonalDataCipher* cipher) {
    StoredScreening out;
    const std::string row = std::to_string(s.int64(0));
    out.clue_id = s.text(1);
    out.criteria_version = s.text(2);
    out.score = static_cast<int>(s.int64(3));
    const auto priority = domain::parse_priority(s.text(4));
    if (!priority) throw StorageError("stored screenings.priority has an unknown value");
    out.priority = *priority;
    // The message names the row, never the value: it holds words of the narrative.
    out.result = nlohmann::json::parse(
        sqlite_sealed_texts::open(s.text(5), kTable, row, kColumn, cipher), nullptr, false);
    if (out.result.is_discarded()) {
        throw StorageError("stored screenings.result_json of " + row + " is not JSON");
    }
    out.created_at = time_column(s, 6, "screenings.created_at");
    return out;
}

}  // namespace

std::string key_groups_text(const nlohmann::json& result) {
    nlohmann::json ids = nlohmann::json::array();
    if (const auto groups = result.find("key_groups");
        groups != result.end() && groups->is_array()) {
        for (const auto& g : *groups) {
            if (const auto id = g.find("group"); id != g.end() && id->is_string()) {
                ids.push_back(*id);
            }
        }
    }
    return ids.dump();
}

void insert(sqlite::Connection& c, const PersonalDataCipher* cipher, const StoredScreening& s) {
    // The sealed value is bound to its row's id, so the id is chosen before the row is
    // written. Only the single writer inserts, inside its write transaction, so max + 1 is
    // the id SQLite itself would pick.
    std::int64_t id = 0;
    {
        auto q = c.query("SELECT coalesce(max(id), 0) + 1 FROM screenings");
        q->step();
        id = q->int64(0);
    }
    auto q = c.query(
        "INSERT INTO screenings (id, clue_id, criteria_version, score, priority, result_json, "
        "key_groups, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q->bind_all(
        id, s.clue_id, s.criteria_version, s.score, domain::to_string(s.priority),
        sqlite_sealed_texts::seal(s.result.dump(), kTable, std::to_string(id), kColumn, cipher),
        key_groups_text(s.result), time_text(s.created_at));
    q->run();
}

std::optional<StoredScreening> latest(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                      const std::string& clue_id) {
    auto q = c.query("SELECT " SCREENING_COLUMNS
                     " FROM screenings WHERE clue_id = ? ORDER BY id DESC LIMIT 1");
    q->bind_all(clue_id);
    if (!q->step()) return std::nullopt;
    return screening_row(*q, cipher);
}

std::vector<StoredScreening> of_clue(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                     const std::string& clue_id) {
    auto q = c.query("SELECT " SCREENING_COLUMNS " FROM screenings WHERE clue_id = ? ORDER BY id");
    q->bind_all(clue_id);
    std::vector<StoredScreening> out;
    while (q->step()) out.push_back(screening_row(*q, cipher));
    return out;
}

#undef SCREENING_COLUMNS

}  // namespace clue_router::storage::sqlite_screenings
