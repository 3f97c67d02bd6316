#include "clue_router/storage/sealed_columns.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "clue_router/domain/sealed_value.hpp"

namespace clue_router::storage::sealed_columns {

namespace {

using sqlite::Connection;

// Rows with a one-part key bind it as the first key and '' as the second; the update's
// `? = ''` consumes it. Rows with a two-part key bind as row_of() in sqlite_sealed_texts
// (agency ids hold no '/'). Deleted endpoints are included: a partner may still trust their
// secrets.
constexpr SealedColumn kColumns[] = {
    {"webhook_endpoints", "secret",
     "SELECT id, secret, id, '' FROM webhook_endpoints WHERE secret IS NOT NULL",
     "UPDATE webhook_endpoints SET secret = ? WHERE id = ? AND ? = ''"},
    {"webhook_endpoints", "previous_secret",
     "SELECT id, previous_secret, id, '' FROM webhook_endpoints "
     "WHERE previous_secret IS NOT NULL",
     "UPDATE webhook_endpoints SET previous_secret = ? WHERE id = ? AND ? = ''"},
    {"inbound_secrets", "secret",
     "SELECT agency_id, secret, agency_id, '' FROM inbound_secrets WHERE secret IS NOT NULL",
     "UPDATE inbound_secrets SET secret = ? WHERE agency_id = ? AND ? = ''"},
    {"inbound_secrets", "previous_secret",
     "SELECT agency_id, previous_secret, agency_id, '' FROM inbound_secrets "
     "WHERE previous_secret IS NOT NULL",
     "UPDATE inbound_secrets SET previous_secret = ? WHERE agency_id = ? AND ? = ''"},
    {"idempotency", "body",
     "SELECT agency_id || '/' || key, body, agency_id, key FROM idempotency "
     "WHERE body IS NOT NULL",
     "UPDATE idempotency SET body = ? WHERE agency_id = ? AND key = ?"},
    {"inbound_messages", "body",
     "SELECT agency_id || '/' || webhook_id, body, agency_id, webhook_id FROM inbound_messages "
     "WHERE body IS NOT NULL",
     "UPDATE inbound_messages SET body = ? WHERE agency_id = ? AND webhook_id = ?"},
    {"clues", "dismissal_reason",
     "SELECT id, dismissal_reason, id, '' FROM clues WHERE dismissal_reason IS NOT NULL",
     "UPDATE clues SET dismissal_reason = ? WHERE id = ? AND ? = ''"},
    {"audit_reasons", "reason",
     "SELECT id, reason, id, '' FROM audit_reasons WHERE reason IS NOT NULL",
     "UPDATE audit_reasons SET reason = ? WHERE id = ? AND ? = ''"},
    // Notes on tickets and the reasons given with transitions (storage/sqlite_ticket_work).
    {"ticket_notes", "text", "SELECT id, text, id, '' FROM ticket_notes WHERE text IS NOT NULL",
     "UPDATE ticket_notes SET text = ? WHERE id = ? AND ? = ''"},
    {"ticket_events", "reason",
     "SELECT CAST(sequence AS TEXT), reason, CAST(sequence AS TEXT), '' FROM ticket_events "
     "WHERE reason IS NOT NULL",
     "UPDATE ticket_events SET reason = ? WHERE sequence = CAST(? AS INTEGER) AND ? = ''"},
    // A screening's result: its reasons hold the narrative's matched words
    // (storage/sqlite_screenings).
    {"screenings", "result_json",
     "SELECT CAST(id AS TEXT), result_json, CAST(id AS TEXT), '' FROM screenings "
     "WHERE result_json IS NOT NULL",
     "UPDATE screenings SET result_json = ? WHERE id = CAST(? AS INTEGER) AND ? = ''"},
    // A person's TOTP key (storage/sqlite_people): whoever holds it makes her codes.
    {"people", "totp_secret",
     "SELECT id, totp_secret, id, '' FROM people WHERE totp_secret IS NOT NULL",
     "UPDATE people SET totp_secret = ? WHERE id = ? AND ? = ''"},
};

bool has_table(Connection& c, std::string_view name) {
    auto q = c.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    q->bind_all(name);
    return q->step();
}

// The select narrowed to values not sealed under the current key, composed from the constants
// above only. `substr(value, 1, length) <> prefix` is an exact comparison, where LIKE would
// read the '_' a key id may contain as a wildcard.
std::string stale_select(const SealedColumn& column) {
    return std::string(column.select_sql) + " AND substr(" + std::string(column.column) +
           ", 1, ?) <> ? LIMIT ?";
}

}  // namespace

std::span<const SealedColumn> all() {
    return kColumns;
}

void each_sealed_value(
    Connection& c,
    const std::function<void(const SecretSlot&, const std::string&, const std::string&)>& visit) {
    for (const SealedColumn& column : kColumns) {
        if (!has_table(c, column.table)) continue;
        auto q = c.query(column.select_sql);
        while (q->step()) {
            const std::string row = q->text(0);
            const std::string stored = q->text(1);
            const auto sealed = domain::parse_sealed(stored);
            if (sealed) visit(SecretSlot{column.table, row, column.column}, stored, sealed->key_id);
        }
    }
}

int reseal(Connection& c, const PersonalDataCipher& cipher, int limit) {
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
            auto q = c.query(stale_select(column));
            q->bind_all(length, prefix, left);
            while (q->step()) stale.push_back({q->text(0), q->text(1), q->text(2), q->text(3)});
        }
        for (const Row& r : stale) {
            const SecretSlot slot{column.table, r.binding, column.column};
            const std::string clear = open_secret(r.value, slot, &cipher);
            auto q = c.query(column.update_sql);
            q->bind_all(seal_secret(clear, slot, &cipher), r.first, r.second);
            q->run();
        }
        resealed += static_cast<int>(stale.size());
        left -= static_cast<std::int64_t>(stale.size());
        if (left <= 0) break;
    }
    return resealed;
}

}  // namespace clue_router::storage::sealed_columns
