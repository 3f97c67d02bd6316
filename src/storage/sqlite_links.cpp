#include "clue_router/storage/sqlite_links.hpp"

#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_links {

bool link(sqlite::Connection& c, const ClueLink& l) {
    int added = 0;
    for (const auto& [from, to] :
         {std::pair{l.clue_id, l.linked_clue_id}, std::pair{l.linked_clue_id, l.clue_id}}) {
        auto q = c.query(
            "INSERT OR IGNORE INTO clue_links (clue_id, linked_clue_id, basis, created_at, "
            "created_by) VALUES (?, ?, ?, ?, ?)");
        q->bind_all(from, to, l.basis, time_text(l.created_at), l.created_by);
        q->run();
        added += c.changes();
    }
    return added > 0;
}

bool unlink(sqlite::Connection& c, const std::string& clue_id, const std::string& other_id) {
    auto q = c.query(
        "DELETE FROM clue_links WHERE (clue_id = ? AND linked_clue_id = ?) OR "
        "(clue_id = ? AND linked_clue_id = ?)");
    q->bind_all(clue_id, other_id, other_id, clue_id);
    q->run();
    return c.changes() > 0;
}

std::vector<ClueLink> links_of(sqlite::Connection& c, const std::string& clue_id) {
    auto q = c.query(
        "SELECT clue_id, linked_clue_id, basis, created_at, created_by FROM clue_links "
        "WHERE clue_id = ? ORDER BY linked_clue_id");
    q->bind_all(clue_id);
    std::vector<ClueLink> out;
    while (q->step()) {
        ClueLink l;
        l.clue_id = q->text(0);
        l.linked_clue_id = q->text(1);
        l.basis = q->text(2);
        l.created_at = time_column(*q, 3, "clue_links.created_at");
        l.created_by = q->text(4);
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace clue_router::storage::sqlite_links
