#include "clue_router/storage/sqlite_criteria.hpp"

#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_criteria {

std::optional<CriteriaVersion> find(sqlite::Connection& c, const std::string& version) {
    auto q = c.query(
        "SELECT version, content_sha256, first_used_at FROM criteria_versions WHERE version = ?");
    q->bind_all(version);
    if (!q->step()) return std::nullopt;
    return CriteriaVersion{q->text(0), q->text(1),
                           time_column(*q, 2, "criteria_versions.first_used_at")};
}

void insert(sqlite::Connection& c, const CriteriaVersion& version) {
    auto q = c.query(
        "INSERT INTO criteria_versions (version, content_sha256, first_used_at) VALUES (?, ?, ?)");
    q->bind_all(version.version, version.content_sha256, time_text(version.first_used_at));
    q->run();
}

}  // namespace clue_router::storage::sqlite_criteria
