#include "clue_router/storage/sqlite_cases.hpp"

#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_cases {

namespace {

using sqlite::Connection;
using sqlite::Statement;

#define CASE_COLUMNS "id, status, priority, created_at, closed_at, merged_into"

CaseRecord case_row(const Statement& s) {
    CaseRecord r;
    r.id = s.text(0);
    const auto status = domain::parse_case_status(s.text(1));
    if (!status) throw StorageError("stored cases.status has an unknown value");
    r.status = *status;
    const auto priority = domain::parse_priority(s.text(2));
    if (!priority) throw StorageError("stored cases.priority has an unknown value");
    r.priority = *priority;
    r.created_at = time_column(s, 3, "cases.created_at");
    r.closed_at = optional_time_column(s, 4, "cases.closed_at");
    r.merged_into = s.optional_text(5);
    return r;
}

#define CASE_CLUE_COLUMNS                                                                      \
    "id, case_id, sender_agency, status, priority, channel, region, received_at, created_at, " \
    "review_reason, reviewed_at, personal_data_purged_at"

CaseClue case_clue_row(const Statement& s) {
    CaseClue c;
    c.id = s.text(0);
    c.case_id = s.text(1);
    c.sender_agency = s.text(2);
    const auto status = parse_clue_status(s.text(3));
    if (!status) throw StorageError("stored clues.status has an unknown value");
    c.status = *status;
    const auto priority = domain::parse_priority(s.text(4));
    if (!priority) throw StorageError("stored clues.priority has an unknown value");
    c.priority = *priority;
    c.channel = s.text(5);
    c.region = s.text(6);
    c.received_at = time_column(s, 7, "clues.received_at");
    c.created_at = time_column(s, 8, "clues.created_at");
    c.review_reason = s.optional_text(9);
    c.reviewed_at = optional_time_column(s, 10, "clues.reviewed_at");
    c.purged = !s.is_null(11);
    return c;
}

std::vector<CaseClue> case_clue_rows(sqlite::Query& q) {
    std::vector<CaseClue> out;
    while (q->step()) out.push_back(case_clue_row(*q));
    return out;
}

std::vector<Coverage> coverage_rows(sqlite::Query& q) {
    std::vector<Coverage> out;
    while (q->step()) {
        out.push_back({q->text(0), q->text(1), time_column(*q, 2, "ticket_clues.added_at")});
    }
    return out;
}

}  // namespace

void insert(Connection& c, const CaseRecord& r) {
    auto q = c.query("INSERT INTO cases (" CASE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)");
    q->bind_all(r.id, domain::to_string(r.status), domain::to_string(r.priority),
                time_text(r.created_at), time_text(r.closed_at), r.merged_into);
    q->run();
}

void update(Connection& c, const CaseRecord& r) {
    auto q = c.query(
        "UPDATE cases SET status = ?, priority = ?, closed_at = ?, merged_into = ? WHERE id = ?");
    q->bind_all(domain::to_string(r.status), domain::to_string(r.priority), time_text(r.closed_at),
                r.merged_into, r.id);
    q->run();
    if (c.changes() != 1) throw StorageError("update of a case that is not stored");
}

std::optional<CaseRecord> find(Connection& c, const std::string& id) {
    auto q = c.query("SELECT " CASE_COLUMNS " FROM cases WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return case_row(*q);
}

std::vector<CaseRecord> all(Connection& c) {
    auto q = c.query("SELECT " CASE_COLUMNS " FROM cases ORDER BY id");
    std::vector<CaseRecord> out;
    while (q->step()) out.push_back(case_row(*q));
    return out;
}

std::optional<CaseClue> clue_ref(Connection& c, const std::string& clue_id) {
    auto q = c.query("SELECT " CASE_CLUE_COLUMNS " FROM clues WHERE id = ?");
    q->bind_all(clue_id);
    if (!q->step()) return std::nullopt;
    return case_clue_row(*q);
}

std::vector<CaseClue> clues_of(Connection& c, const std::string& case_id) {
    auto q = c.query("SELECT " CASE_CLUE_COLUMNS " FROM clues WHERE case_id = ? ORDER BY id");
    q->bind_all(case_id);
    return case_clue_rows(q);
}

std::vector<CaseClue> all_clues(Connection& c) {
    auto q = c.query("SELECT " CASE_CLUE_COLUMNS " FROM clues ORDER BY id");
    return case_clue_rows(q);
}

std::vector<Coverage> coverage_of(Connection& c, const std::string& case_id) {
    auto q = c.query(
        "SELECT tc.ticket_id, tc.clue_id, tc.added_at FROM ticket_clues tc "
        "JOIN clues c ON c.id = tc.clue_id WHERE c.case_id = ? ORDER BY tc.ticket_id, tc.clue_id");
    q->bind_all(case_id);
    return coverage_rows(q);
}

std::vector<Coverage> all_coverage(Connection& c) {
    auto q = c.query(
        "SELECT ticket_id, clue_id, added_at FROM ticket_clues ORDER BY ticket_id, clue_id");
    return coverage_rows(q);
}

domain::CaseIdentity identity(Connection& c, const std::string& case_id) {
    auto q = c.query(
        "SELECT DISTINCT i.kind, i.digest FROM clue_identifiers i JOIN clues c ON c.id = "
        "i.clue_id WHERE c.case_id = ? ORDER BY i.kind, i.digest");
    q->bind_all(case_id);
    domain::CaseIdentity out{case_id, {}};
    while (q->step()) out.identifiers.push_back({q->text(0), q->text(1)});
    return out;
}

std::vector<CaseMatch> open_matches(Connection& c, const std::string& case_id) {
    // By the blind index only: equal digests, never a decrypted value. Bounded: a phone that
    // hundreds of open cases share (a shelter's landline) must not make intake unbounded.
    auto q = c.query(
        "SELECT me.clue_id, other.clue_id, oc.case_id, me.kind "
        "FROM clues mc JOIN clue_identifiers me ON me.clue_id = mc.id "
        "JOIN clue_identifiers other ON other.digest = me.digest AND other.kind = me.kind "
        "JOIN clues oc ON oc.id = other.clue_id "
        "JOIN cases k ON k.id = oc.case_id "
        "WHERE mc.case_id = ?1 AND oc.case_id <> ?1 AND k.status = 'open' "
        "AND oc.personal_data_purged_at IS NULL "
        "ORDER BY oc.case_id, other.clue_id, me.clue_id, me.kind LIMIT 400");
    q->bind_all(case_id);
    std::vector<CaseMatch> out;
    while (q->step()) out.push_back({q->text(0), q->text(1), q->text(2), q->text(3)});
    return out;
}

bool separated(Connection& c, const std::string& case_id, const std::string& other) {
    auto q = c.query(
        "SELECT 1 FROM case_separations s JOIN clues a ON a.id = s.clue_id "
        "JOIN clues b ON b.id = s.other_clue_id WHERE a.case_id = ? AND b.case_id = ? LIMIT 1");
    q->bind_all(case_id, other);
    return q->step();
}

std::string older(Connection& c, const std::string& case_id, const std::string& other) {
    // rowid breaks a tie of equal times: two cases opened in the same millisecond.
    auto q =
        c.query("SELECT id FROM cases WHERE id = ? OR id = ? ORDER BY created_at, rowid LIMIT 1");
    q->bind_all(case_id, other);
    if (!q->step()) throw StorageError("neither case is stored");
    return q->text(0);
}

void move_clues(Connection& c, const std::string& from, const std::string& into) {
    auto q = c.query("UPDATE clues SET case_id = ? WHERE case_id = ?");
    q->bind_all(into, from);
    q->run();
}

void set_clue_case(Connection& c, const std::string& clue_id, const std::string& case_id) {
    auto q = c.query("UPDATE clues SET case_id = ? WHERE id = ?");
    q->bind_all(case_id, clue_id);
    q->run();
}

bool cover(Connection& c, const std::string& ticket_id, const std::string& clue_id, Timestamp at) {
    auto q = c.query(
        "INSERT OR IGNORE INTO ticket_clues (ticket_id, clue_id, added_at) VALUES (?, ?, ?)");
    q->bind_all(ticket_id, clue_id, time_text(at));
    q->run();
    return c.changes() == 1;
}

bool uncover(Connection& c, const std::string& ticket_id, const std::string& clue_id) {
    auto q = c.query("DELETE FROM ticket_clues WHERE ticket_id = ? AND clue_id = ?");
    q->bind_all(ticket_id, clue_id);
    q->run();
    return c.changes() == 1;
}

void separate(Connection& c, const std::string& clue_id, const std::string& other_id, Timestamp at,
              const std::string& by) {
    for (const auto& [a, b] : {std::pair{clue_id, other_id}, std::pair{other_id, clue_id}}) {
        auto q = c.query(
            "INSERT OR IGNORE INTO case_separations (clue_id, other_clue_id, created_at, "
            "created_by) VALUES (?, ?, ?, ?)");
        q->bind_all(a, b, time_text(at), by);
        q->run();
    }
}

void remove_separations(Connection& c, const std::string& case_id, const std::string& other) {
    auto q = c.query(
        "DELETE FROM case_separations WHERE "
        "(clue_id IN (SELECT id FROM clues WHERE case_id = ?1) AND "
        " other_clue_id IN (SELECT id FROM clues WHERE case_id = ?2)) OR "
        "(clue_id IN (SELECT id FROM clues WHERE case_id = ?2) AND "
        " other_clue_id IN (SELECT id FROM clues WHERE case_id = ?1))");
    q->bind_all(case_id, other);
    q->run();
}

void unlink_from_case(Connection& c, const std::string& clue_id, const std::string& case_id) {
    auto q = c.query(
        "DELETE FROM clue_links WHERE "
        "(clue_id = ?1 AND linked_clue_id IN (SELECT id FROM clues WHERE case_id = ?2)) OR "
        "(linked_clue_id = ?1 AND clue_id IN (SELECT id FROM clues WHERE case_id = ?2))");
    q->bind_all(clue_id, case_id);
    q->run();
}

std::optional<std::string> clue_by_reference(Connection& c, const std::string& sender,
                                             const std::string& reference) {
    auto q = c.query(
        "SELECT id FROM clues WHERE sender_agency = ? AND reference = ? ORDER BY id LIMIT 1");
    q->bind_all(sender, reference);
    if (!q->step()) return std::nullopt;
    return q->text(0);
}

std::vector<std::pair<std::string, domain::CaseIdentifier>> all_identifiers(Connection& c) {
    auto q = c.query("SELECT clue_id, kind, digest FROM clue_identifiers ORDER BY clue_id, kind");
    std::vector<std::pair<std::string, domain::CaseIdentifier>> out;
    while (q->step()) out.push_back({q->text(0), {q->text(1), q->text(2)}});
    return out;
}

std::vector<std::pair<std::string, std::string>> all_separations(Connection& c) {
    auto q = c.query("SELECT clue_id, other_clue_id FROM case_separations ORDER BY 1, 2");
    std::vector<std::pair<std::string, std::string>> out;
    while (q->step()) out.emplace_back(q->text(0), q->text(1));
    return out;
}

}  // namespace clue_router::storage::sqlite_cases
