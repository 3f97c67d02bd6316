#include "clue_router/storage/sqlite_retention.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "clue_router/domain/personal_data.hpp"
#include "clue_router/storage/store.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_retention {

std::vector<PurgeCandidate> candidates(sqlite::Connection& c, Timestamp closed_before, int limit) {
    // A clue's loop closes with its case: every clue of it has its answer. The case's
    // closing time is what the retention period counts from, for all its clues alike.
    auto q = c.query(
        "SELECT c.id, k.closed_at FROM clues c JOIN cases k ON k.id = c.case_id "
        "WHERE c.personal_data_purged_at IS NULL AND k.status = 'closed' AND k.closed_at < ? "
        "ORDER BY c.id LIMIT ?");
    q->bind_all(time_text(closed_before), static_cast<std::int64_t>(std::clamp(limit, 1, 1000)));
    std::vector<PurgeCandidate> out;
    while (q->step()) {
        PurgeCandidate p;
        p.clue_id = q->text(0);
        p.closed_at = time_column(*q, 1, "cases.closed_at");
        out.push_back(std::move(p));
    }
    return out;
}

bool purge(sqlite::Connection& c, const std::string& clue_id, Timestamp at) {
    std::string body;
    {
        auto q =
            c.query("SELECT body_json FROM clues WHERE id = ? AND personal_data_purged_at IS NULL");
        q->bind_all(clue_id);
        if (!q->step()) return false;
        body = q->text(0);
    }
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded())
        throw StorageError("stored clue " + clue_id + " has a broken body_json");
    for (const std::string& pointer : domain::personal_data_pointers()) {
        const nlohmann::json::json_pointer at_pointer(pointer);
        if (!doc.contains(at_pointer)) continue;
        if (pointer == "/narrative") {
            doc[at_pointer] = "";  // the document keeps its shape: a narrative is required
        } else {
            doc[at_pointer.parent_pointer()].erase(at_pointer.back());
        }
    }
    {
        auto q = c.query(
            "UPDATE clues SET body_json = ?, sealed_with = NULL, personal_data_purged_at = ?, "
            "dismissal_reason = NULL WHERE id = ?");
        q->bind_all(doc.dump(), time_text(at), clue_id);
        q->run();
    }
    auto q = c.query("DELETE FROM clue_identifiers WHERE clue_id = ?");
    q->bind_all(clue_id);
    q->run();
    return true;
}

}  // namespace clue_router::storage::sqlite_retention
