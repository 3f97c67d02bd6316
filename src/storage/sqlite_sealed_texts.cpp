#include "clue_router/storage/sqlite_sealed_texts.hpp"

#include <algorithm>
#include <vector>

#include "clue_router/storage/sealed_secrets.hpp"

namespace clue_router::storage::sqlite_sealed_texts {

namespace {

// One sealed column: how to find its stale values and how to write one back. Every query
// returns (row for the binding, value, first key, second key) and takes the current key's
// envelope prefix, its length and a limit; every update takes (value, first key, second key).
struct SealedColumn {
    std::string_view table;
    std::string_view column;
    const char* select_sql;
    const char* update_sql;
};

// The prefix binds twice: `substr(value, 1, length) <> prefix` is an exact comparison, where
// LIKE would read the '_' a key id may contain as a wildcard.
constexpr SealedColumn kColumns[] = {
    {"idempotency", "body",
     "SELECT agency_id || '/' || key, body, agency_id, key FROM idempotency "
     "WHERE substr(body, 1, ?) <> ? LIMIT ?",
     "UPDATE idempotency SET body = ? WHERE agency_id = ? AND key = ?"},
    {"inbound_messages", "body",
     "SELECT agency_id || '/' || webhook_id, body, agency_id, webhook_id FROM inbound_messages "
     "WHERE substr(body, 1, ?) <> ? LIMIT ?",
     "UPDATE inbound_messages SET body = ? WHERE agency_id = ? AND webhook_id = ?"},
    {"clues", "dismissal_reason",
     "SELECT id, dismissal_reason, id, '' FROM clues "
     "WHERE dismissal_reason IS NOT NULL AND substr(dismissal_reason, 1, ?) <> ? LIMIT ?",
     "UPDATE clues SET dismissal_reason = ? WHERE id = ? AND ? = ''"},
    {"audit_reasons", "reason",
     "SELECT id, reason, id, '' FROM audit_reasons WHERE substr(reason, 1, ?) <> ? LIMIT ?",
     "UPDATE audit_reasons SET reason = ? WHERE id = ? AND ? = ''"},
};

SecretSlot slot(std::string_view table, std::string_view row, std::string_view column) {
    return SecretSlot{table, row, column};
}

}  // namespace

std::string row_of(std::string_view first, std::string_view second) {
    // Agency ids have no '/', so the split is unambiguous whatever the second part holds.
    return std::string(first) + "/" + std::string(second);
}

std::string seal(std::string_view value, std::string_view table, std::string_view row,
                 std::string_view column, const PersonalDataCipher* cipher) {
    return seal_secret(value, slot(table, row, column), cipher);
}

std::string open(std::string_view stored, std::string_view table, std::string_view row,
                 std::string_view column, const PersonalDataCipher* cipher) {
    return open_secret(stored, slot(table, row, column), cipher);
}

std::optional<std::string> open_optional(const std::optional<std::string>& stored,
                                         std::string_view table, std::string_view row,
                                         std::string_view column,
                                         const PersonalDataCipher* cipher) {
    if (!stored) return std::nullopt;
    return open(*stored, table, row, column, cipher);
}

void insert_audit_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                         const std::string& id, const std::string& reason,
                         const std::string& created_at) {
    auto q = c.query("INSERT INTO audit_reasons (id, reason, created_at) VALUES (?, ?, ?)");
    q->bind_all(id, seal(reason, "audit_reasons", id, "reason", cipher), created_at);
    q->run();
}

std::optional<std::string> audit_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                        const std::string& id) {
    auto q = c.query("SELECT reason FROM audit_reasons WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return open(q->text(0), "audit_reasons", id, "reason", cipher);
}

int reseal(sqlite::Connection& c, const PersonalDataCipher& cipher, int limit) {
    // Every envelope the current key seals starts with this (domain/sealed_value).
    const std::string prefix = "cr1." + cipher.current_key_id() + ".";
    const auto length = static_cast<std::int64_t>(prefix.size());
    std::int64_t left = std::clamp(limit, 1, 1000);
    int resealed = 0;
    for (const SealedColumn& column : kColumns) {
        struct Row {
            std::string binding, value, first, second;
        };
        std::vector<Row> stale;
        {
            auto q = c.query(column.select_sql);
            q->bind_all(length, prefix, left);
            while (q->step()) stale.push_back({q->text(0), q->text(1), q->text(2), q->text(3)});
        }
        for (const Row& r : stale) {
            const std::string clear =
                open(r.value, column.table, r.binding, column.column, &cipher);
            auto q = c.query(column.update_sql);
            q->bind_all(seal(clear, column.table, r.binding, column.column, &cipher), r.first,
                        r.second);
            q->run();
        }
        resealed += static_cast<int>(stale.size());
        left -= static_cast<std::int64_t>(stale.size());
        if (left <= 0) break;
    }
    return resealed;
}

}  // namespace clue_router::storage::sqlite_sealed_texts
