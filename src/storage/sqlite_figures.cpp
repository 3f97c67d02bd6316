#include "clue_router/storage/sqlite_figures.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "clue_router/storage/records.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_figures {
namespace {

// Parameters, the same in the clue and ticket statements (each names all of them, so one
// binding fits): ?1 from, ?2 to (RFC 3339 text, which sorts in time order), ?3 the woman's
// region prefix or NULL, ?4 the staff agency or NULL, ?5 the clue's sender or NULL, ?6 read
// the rural flag, ?7 read the key groups, ?8 read the clue's ticket purposes. The flags are
// CASE conditions, so what is not asked for is not computed. The measure statement takes
// ?1-?7 alike, then ?8 and ?9 the window's first and last local dates (YYYY-MM-DD).

// The key groups of the clue's latest screening, as a JSON array (kept in clear beside the
// sealed result, storage/sqlite_screenings); NULL when it has none.
#define KEY_GROUPS_OF_C                                                               \
    "CASE WHEN ?7 THEN (SELECT s.key_groups FROM screenings s WHERE s.clue_id = c.id" \
    " ORDER BY s.id DESC LIMIT 1) END"

#define RURAL_OF_C "CASE WHEN ?6 THEN json_extract(c.body_json, '$.subject.rural') END"

#define REGION_SCOPE " AND (?3 IS NULL OR substr(c.region, 1, length(?3)) = ?3)"

// Clues by when the report was received (clues_by_received).
constexpr const char* kClueSql =
    "SELECT c.id, c.received_at, c.region, c.sender_agency, c.channel, c.priority, c.status,"
    " c.review_reason IS NOT NULL, " RURAL_OF_C ", " KEY_GROUPS_OF_C
    ", CASE WHEN ?8 THEN (SELECT json_group_array(DISTINCT t.purpose) FROM ticket_clues tc"
    " JOIN tickets t ON t.id = tc.ticket_id WHERE tc.clue_id = c.id) END"
    " FROM clues c"
    " WHERE c.received_at >= ?1 AND c.received_at < ?2" REGION_SCOPE
    " AND (?4 IS NULL OR c.sender_agency = ?4)"
    " AND (?5 IS NULL OR c.sender_agency = ?5)";

// Tickets by when they were handed over (tickets_by_created), with their clue's place.
constexpr const char* kTicketSql =
    "SELECT t.id, t.created_at, t.recipient_agency, t.purpose, t.priority, t.status, t.outcome,"
    " t.overdue IS NOT NULL, t.escalated_to IS NOT NULL,"
    " (SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = t.id"
    " AND e.type = 'ticket.accepted'),"
    " cl.closed_at,"
    " c.received_at, c.region, c.sender_agency, c.channel, " RURAL_OF_C ", " KEY_GROUPS_OF_C
    " FROM tickets t JOIN clues c ON c.id = t.clue_id"
    " LEFT JOIN ticket_closures cl ON cl.ticket_id = t.id"
    " WHERE t.created_at >= ?1 AND t.created_at < ?2" REGION_SCOPE
    " AND (?4 IS NULL OR t.recipient_agency = ?4)"
    " AND (?5 IS NULL OR c.sender_agency = ?5)"
    " AND ?8 IS NOT NULL";

// Aid measures provided on the window's days: by the date given (status_on), or, with none
// given, by when they were recorded as provided. What was said at closing
// (ticket_closures.measures_json) is history, not aid given: a measure moves on. Each arm of
// the OR names the status, so that both search the partial index ticket_measures_provided.
constexpr const char* kMeasureSql =
    "SELECT m.id, m.type, m.measure_json, m.status_on, m.created_at,"
    " t.recipient_agency, t.purpose, t.priority,"
    " c.region, c.channel, " RURAL_OF_C ", " KEY_GROUPS_OF_C
    " FROM ticket_measures m JOIN tickets t ON t.id = m.ticket_id"
    " JOIN clues c ON c.id = t.clue_id"
    " WHERE ((m.status = 'provided' AND m.status_on >= ?8 AND m.status_on <= ?9)"
    " OR (m.status = 'provided' AND m.status_on IS NULL"
    " AND m.created_at >= ?1 AND m.created_at < ?2))" REGION_SCOPE
    " AND (?4 IS NULL OR t.recipient_agency = ?4)"
    " AND (?5 IS NULL OR c.sender_agency = ?5)";

#undef KEY_GROUPS_OF_C
#undef RURAL_OF_C
#undef REGION_SCOPE

void bind(sqlite::Statement& s, const domain::StatsQuery& q) {
    s.bind_all(time_text(q.from), time_text(q.to), q.scope.region_prefix, q.scope.agency,
               q.scope.clue_sender, q.rural, q.key_groups, q.purposes);
}

void bind_measures(sqlite::Statement& s, const domain::StatsQuery& q) {
    s.bind_all(time_text(q.from), time_text(q.to), q.scope.region_prefix, q.scope.agency,
               q.scope.clue_sender, q.rural, q.key_groups, domain::format_local_day(q.days.first),
               domain::format_local_day(q.days.end - std::chrono::days{1}));
}

std::vector<std::string> json_strings(const sqlite::Statement& s, int column) {
    std::vector<std::string> out;
    if (s.is_null(column)) return out;
    const auto doc = nlohmann::json::parse(s.text(column), nullptr, false);
    if (!doc.is_array()) throw StorageError("stored figures column does not parse");
    for (const auto& v : doc) {
        if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
}

domain::Priority priority_column(const sqlite::Statement& s, int column, const char* name) {
    const auto p = domain::parse_priority(s.text(column));
    if (!p) throw StorageError(std::string("stored ") + name + " has an unknown value");
    return *p;
}

domain::ClueState clue_state(const std::string& status) {
    switch (parse_clue_status(status).value_or(ClueStatus::routed)) {
        case ClueStatus::routed:
            return domain::ClueState::routed;
        case ClueStatus::needs_review:
            return domain::ClueState::in_review;
        case ClueStatus::dismissed:
            return domain::ClueState::dismissed;
        case ClueStatus::answered:
            return domain::ClueState::answered;
    }
    return domain::ClueState::routed;
}

domain::ClueFact clue_fact(const sqlite::Statement& s) {
    domain::ClueFact f;
    f.id = s.text(0);
    f.received_at = time_column(s, 1, "clues.received_at");
    f.region = s.text(2);
    f.sender_agency = s.text(3);
    f.channel = s.text(4);
    f.priority = priority_column(s, 5, "clues.priority");
    const auto status = s.text(6);
    if (!parse_clue_status(status)) throw StorageError("stored clues.status has an unknown value");
    f.state = clue_state(status);
    f.sent_to_review = s.int64(7) != 0;
    f.rural = s.optional_int64(8).value_or(0) != 0;
    f.key_groups = json_strings(s, 9);
    f.purposes = json_strings(s, 10);
    return f;
}

domain::MeasureFact measure_fact(const sqlite::Statement& s) {
    domain::MeasureFact f;
    f.id = s.text(0);
    const auto type = domain::parse_measure_type(s.text(1));
    if (!type) throw StorageError("stored ticket_measures.type has an unknown value");
    f.type = *type;
    if (f.type == domain::MeasureType::judicial_assistance_fund) {
        try {
            const auto doc = nlohmann::json::parse(s.text(2), nullptr, false);
            f.amount_fen =
                domain::measures_from_json(nlohmann::json::array({doc})).at(0).amount_fen;
        } catch (const std::exception&) {
            throw StorageError("stored ticket_measures.measure_json does not parse");
        }
    }
    if (const auto on = s.optional_text(3)) {
        const auto date = domain::parse_measure_date(*on);
        if (!date) throw StorageError("stored ticket_measures.status_on is not a date");
        f.provided_on =
            domain::LocalDay{std::chrono::year{date->year} / std::chrono::month{date->month} /
                             std::chrono::day{date->day}};
    }
    f.recorded_at = time_column(s, 4, "ticket_measures.created_at");
    f.recipient_agency = s.text(5);
    f.purpose = s.text(6);
    f.priority = priority_column(s, 7, "tickets.priority");
    f.region = s.text(8);
    f.channel = s.text(9);
    f.rural = s.optional_int64(10).value_or(0) != 0;
    f.key_groups = json_strings(s, 11);
    return f;
}

domain::TicketFact ticket_fact(const sqlite::Statement& s) {
    domain::TicketFact f;
    f.id = s.text(0);
    f.handed_over_at = time_column(s, 1, "tickets.created_at");
    f.recipient_agency = s.text(2);
    f.purpose = s.text(3);
    f.priority = priority_column(s, 4, "tickets.priority");
    const auto status = domain::parse_ticket_status(s.text(5));
    if (!status) throw StorageError("stored tickets.status has an unknown value");
    f.status = *status;
    if (const auto outcome = s.optional_text(6)) f.outcome = domain::parse_outcome(*outcome);
    f.overdue = s.int64(7) != 0;
    f.escalated = s.int64(8) != 0;
    f.first_accepted_at = optional_time_column(s, 9, "ticket_events.at");
    f.closed_at = optional_time_column(s, 10, "ticket_closures.closed_at");
    f.received_at = time_column(s, 11, "clues.received_at");
    f.region = s.text(12);
    f.sender_agency = s.text(13);
    f.channel = s.text(14);
    f.rural = s.optional_int64(15).value_or(0) != 0;
    f.key_groups = json_strings(s, 16);
    return f;
}

}  // namespace

domain::StatsFacts facts(sqlite::Connection& c, const domain::StatsQuery& query) {
    domain::StatsFacts out;
    {
        auto q = c.query(kClueSql);
        bind(*q, query);
        while (q->step()) out.clues.push_back(clue_fact(*q));
    }
    {
        auto q = c.query(kTicketSql);
        bind(*q, query);
        while (q->step()) out.tickets.push_back(ticket_fact(*q));
    }
    {
        auto q = c.query(kMeasureSql);
        bind_measures(*q, query);
        while (q->step()) out.measures.push_back(measure_fact(*q));
    }
    return out;
}

std::string secret(sqlite::Connection& c) {
    auto q = c.query("SELECT secret FROM figures_secret WHERE id = 1");
    if (!q->step()) throw StorageError("the figures secret is missing (migration 13)");
    return q->text(0);
}

}  // namespace clue_router::storage::sqlite_figures
