#include "clue_router/storage/sqlite_audit.hpp"

#include <algorithm>

#include "clue_router/storage/store.hpp"

namespace clue_router::storage::sqlite_audit {
namespace {

#define AUDIT_COLUMNS                                                                            \
    "seq, at, request_id, actor_key, actor_agency, actor_role, action, record_type, record_id, " \
    "detail_json, prev_hash, hash, actor_person, actor_name"

// A row is returned as stored, even when it would not parse cleanly: verification must be
// able to point at a damaged row rather than fail to read the table.
domain::AuditEntry row(const sqlite::Statement& s) {
    domain::AuditEntry e;
    e.seq = s.int64(0);
    const std::string at = s.text(1);
    if (auto t = domain::parse_rfc3339(at)) e.at = *t;
    e.request_id = s.text(2);
    e.actor_key = s.text(3);
    e.actor_agency = s.text(4);
    e.actor_role = s.text(5);
    e.action = s.text(6);
    e.record_type = s.text(7);
    e.record_id = s.text(8);
    e.detail = nlohmann::json::parse(s.text(9), nullptr, false);
    if (e.detail.is_discarded()) e.detail = s.text(9);
    e.prev_hash = s.text(10);
    e.hash = s.text(11);
    e.actor_person = s.optional_text(12).value_or("");
    e.actor_name = s.optional_text(13).value_or("");
    return e;
}

std::optional<std::string> nullable(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
}

}  // namespace

std::optional<domain::AuditEntry> last_entry(sqlite::Connection& c) {
    auto q = c.query("SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!q->step()) return std::nullopt;
    return row(*q);
}

void append(sqlite::Connection& c, const domain::AuditEntry& e) {
    auto q = c.query("INSERT INTO audit_log (" AUDIT_COLUMNS
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q->bind_all(e.seq, domain::format_rfc3339(e.at), e.request_id, e.actor_key, e.actor_agency,
                e.actor_role, e.action, e.record_type, e.record_id, e.detail.dump(), e.prev_hash,
                e.hash, nullable(e.actor_person), nullable(e.actor_name));
    q->run();
}

std::vector<domain::AuditEntry> entries(sqlite::Connection& c, std::int64_t after_seq, int limit) {
    auto q = c.query("SELECT " AUDIT_COLUMNS " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?");
    q->bind_all(after_seq, static_cast<std::int64_t>(std::clamp(limit, 1, 1000)));
    std::vector<domain::AuditEntry> out;
    while (q->step()) out.push_back(row(*q));
    return out;
}

}  // namespace clue_router::storage::sqlite_audit
