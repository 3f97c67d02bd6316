#include "clue_router/storage/sqlite_figures.hpp"

#include <map>
#include <string>
#include <string_view>

#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_figures {
namespace {

using domain::GroupFigures;
using domain::StatsGrouping;

// The SQL text is assembled only from the constant fragments below, chosen by the grouping
// (an enum); every value — period, region, agency — is a bound parameter. Each grouping thus
// has its own fixed statement, prepared once and cached by the connection.
//
// {G} is the group of a row; {KG} the join that gives a clue its key groups (latest
// screening); {A} the attributed agency column. Parameters: ?1 from, ?2 to (RFC 3339 text,
// which sorts in time order), ?3 region prefix or NULL, ?4 agency or NULL, ?5 the clue's
// sender or NULL, ?6 the local offset as a date modifier ('+480 minutes').

constexpr std::string_view kKeyGroupJoin =
    " LEFT JOIN screenings s ON s.id = (SELECT max(s2.id) FROM screenings s2 "
    "WHERE s2.clue_id = c.id)"
    " LEFT JOIN json_each(s.result_json, '$.key_groups') kg";

std::string group_expression(StatsGrouping by, std::string_view agency_column,
                             std::string_view time_column) {
    switch (by) {
        case StatsGrouping::total:
            return "'total'";
        case StatsGrouping::agency:
        case StatsGrouping::province:
        case StatsGrouping::prefecture:
            return std::string(agency_column);
        case StatsGrouping::key_group:
            return "coalesce(json_extract(kg.value, '$.group'), 'none')";
        case StatsGrouping::week:
            // Local time (?6 is the offset modifier, e.g. '+480 minutes'); 'weekday 0' moves to
            // the coming Sunday (or stays), and six days back is that week's Monday.
            return "date(" + std::string(time_column) + ", ?6, 'weekday 0', '-6 days')";
        case StatsGrouping::month:
            return "strftime('%Y-%m', " + std::string(time_column) + ", ?6)";
    }
    return "'total'";
}

std::string fill(std::string_view sql, StatsGrouping by, std::string_view agency_column,
                 std::string_view time_column) {
    std::string out(sql);
    const auto replace = [&out](std::string_view from, std::string_view to) {
        for (auto at = out.find(from); at != std::string::npos;
             at = out.find(from, at + to.size())) {
            out.replace(at, from.size(), to);
        }
    };
    replace("{KG}", by == StatsGrouping::key_group ? kKeyGroupJoin : std::string_view{});
    replace("{G}", group_expression(by, agency_column, time_column));
    return out;
}

constexpr std::string_view kScope =
    " AND (?3 IS NULL OR substr(a.region, 1, length(?3)) = ?3)"
    " AND (?4 IS NULL OR {A} = ?4)"
    " AND (?5 IS NULL OR c.sender_agency = ?5)"
    // Every statement names ?6, so one binding fits all; only week and month groups use it.
    " AND ?6 IS NOT NULL";

std::string with_scope(std::string_view sql, std::string_view agency_column) {
    std::string scope(kScope);
    scope.replace(scope.find("{A}"), 3, agency_column);
    std::string out(sql);
    out.replace(out.find("{SCOPE}"), 7, scope);
    return out;
}

constexpr std::string_view kClueSql =
    "SELECT {G} AS grp, max(a.region), count(*),"
    " sum(EXISTS (SELECT 1 FROM tickets t WHERE t.clue_id = c.id)),"
    " sum(c.review_reason IS NOT NULL), sum(c.status = 'needs_review'),"
    " sum(c.status = 'dismissed'), sum(c.status = 'answered')"
    " FROM clues c LEFT JOIN agencies a ON a.id = c.sender_agency{KG}"
    " WHERE c.created_at >= ?1 AND c.created_at < ?2{SCOPE}"
    " GROUP BY grp";

constexpr std::string_view kTicketFrom =
    " FROM tickets t JOIN clues c ON c.id = t.clue_id"
    " LEFT JOIN agencies a ON a.id = t.recipient_agency{KG}";

constexpr std::string_view kOpen = "('pending', 'accepted', 'in_progress', 'on_hold')";

std::string ticket_sql() {
    std::string sql =
        "SELECT {G} AS grp, max(a.region), count(*),"
        " sum(t.status IN ('accepted', 'in_progress', 'on_hold', 'closed')),"
        " sum(t.status = 'rejected'), sum(t.status = 'closed'), sum(t.status = 'cancelled'),"
        " sum(t.status IN " +
        std::string(kOpen) +
        "),"
        " sum(t.overdue IS NOT NULL AND t.status IN " +
        std::string(kOpen) +
        "),"
        " sum(t.escalated_to IS NOT NULL),"
        " sum(t.status = 'closed' AND t.outcome = 'assisted'),"
        " sum(t.status = 'closed' AND t.outcome = 'not_eligible'),"
        " sum(t.status = 'closed' AND t.outcome = 'unreachable'),"
        " sum(t.status = 'closed' AND t.outcome = 'withdrawn'),"
        " sum(t.status = 'closed' AND t.outcome = 'duplicate'),"
        " sum(t.status = 'closed' AND t.outcome = 'referred_onward')" +
        std::string(kTicketFrom) +
        " WHERE t.created_at >= ?1 AND t.created_at < ?2{SCOPE}"
        " GROUP BY grp";
    return sql;
}

// Measures are stored as the closure's JSON (domain::to_json); amounts are yuan with at most
// two decimals, so round(x * 100) is the exact fen value.
std::string measure_sql() {
    return "SELECT {G} AS grp, max(a.region), json_extract(m.value, '$.type') AS measure_type, "
           "count(*),"
           " sum(CASE WHEN json_extract(m.value, '$.type') = 'judicial_assistance_fund'"
           " THEN CAST(round(json_extract(m.value, '$.amount_cny') * 100) AS INTEGER)"
           " ELSE 0 END)" +
           std::string(kTicketFrom) +
           " JOIN ticket_closures cl ON cl.ticket_id = t.id"
           " JOIN json_each(cl.measures_json) m"
           " WHERE t.created_at >= ?1 AND t.created_at < ?2{SCOPE}"
           " AND json_extract(m.value, '$.status') != 'declined'"
           " GROUP BY grp, measure_type";
}

std::string duration_sql() {
    return "SELECT {G} AS grp, max(a.region), t.created_at,"
           " (SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = t.id"
           " AND e.type = 'ticket.accepted'),"
           " cl.closed_at" +
           std::string(kTicketFrom) +
           " LEFT JOIN ticket_closures cl ON cl.ticket_id = t.id"
           " WHERE t.created_at >= ?1 AND t.created_at < ?2{SCOPE}"
           " AND t.status IN ('accepted', 'in_progress', 'on_hold', 'closed')"
           // One row per ticket and group, so the duration query needs no aggregate; the
           // GROUP BY keeps a ticket in two key groups once per group.
           " GROUP BY grp, t.id";
}

constexpr std::string_view kMeasureTypes[] = {"judicial_assistance_fund",
                                              "legal_aid",
                                              "psychological_counselling",
                                              "medical",
                                              "social_assistance",
                                              "employment",
                                              "shelter",
                                              "protection_order"};

void bind_common(sqlite::Statement& s, const domain::StatsQuery& q) {
    const auto offset = q.local_offset.count();
    s.bind_all(time_text(q.from), time_text(q.to), q.scope.region_prefix, q.scope.agency,
               q.scope.clue_sender, (offset < 0 ? "" : "+") + std::to_string(offset) + " minutes");
}

GroupFigures& group_of(std::map<std::string, GroupFigures>& groups, const sqlite::Statement& s) {
    const std::string key = s.is_null(0) ? "unknown" : s.text(0);
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) it->second.group = key;
    if (!it->second.region && !s.is_null(1)) it->second.region = s.text(1);
    return it->second;
}

}  // namespace

std::vector<GroupFigures> figures(sqlite::Connection& c, const domain::StatsQuery& query) {
    std::map<std::string, GroupFigures> groups;
    const auto by = query.by;

    {
        auto q = c.query(
            with_scope(fill(kClueSql, by, "c.sender_agency", "c.created_at"), "c.sender_agency"));
        bind_common(*q, query);
        while (q->step()) {
            auto& g = group_of(groups, *q);
            g.clues_received = q->int64(2);
            g.clues_routed = q->int64(3);
            g.clues_sent_to_review = q->int64(4);
            g.clues_in_review = q->int64(5);
            g.clues_dismissed = q->int64(6);
            g.clues_answered = q->int64(7);
        }
    }
    {
        auto q = c.query(with_scope(fill(ticket_sql(), by, "t.recipient_agency", "t.created_at"),
                                    "t.recipient_agency"));
        bind_common(*q, query);
        while (q->step()) {
            auto& g = group_of(groups, *q);
            g.tickets_created = q->int64(2);
            g.tickets_accepted = q->int64(3);
            g.tickets_rejected = q->int64(4);
            g.tickets_closed = q->int64(5);
            g.tickets_cancelled = q->int64(6);
            g.tickets_open = q->int64(7);
            g.tickets_overdue = q->int64(8);
            g.tickets_escalated = q->int64(9);
            for (std::size_t i = 0; i < domain::kOutcomeCount; ++i) {
                g.outcomes[i] = q->int64(10 + static_cast<int>(i));
            }
        }
    }
    {
        auto q = c.query(with_scope(fill(measure_sql(), by, "t.recipient_agency", "t.created_at"),
                                    "t.recipient_agency"));
        bind_common(*q, query);
        while (q->step()) {
            auto& g = group_of(groups, *q);
            const auto type = q->optional_text(2);
            for (std::size_t i = 0; i < domain::kMeasureTypeCount; ++i) {
                if (type && *type == kMeasureTypes[i]) g.measures[i] += q->int64(3);
            }
            g.judicial_assistance_fen += q->int64(4);
        }
    }
    {
        auto q = c.query(with_scope(fill(duration_sql(), by, "t.recipient_agency", "t.created_at"),
                                    "t.recipient_agency"));
        bind_common(*q, query);
        while (q->step()) {
            auto& g = group_of(groups, *q);
            const auto handed_over = time_column(*q, 2, "tickets.created_at");
            if (const auto accepted = optional_time_column(*q, 3, "ticket_events.at")) {
                g.to_accept.push_back(*accepted - handed_over);
            }
            if (const auto closed = optional_time_column(*q, 4, "ticket_closures.closed_at")) {
                g.to_close.push_back(*closed - handed_over);
            }
        }
    }

    std::vector<GroupFigures> out;
    out.reserve(groups.size());
    for (auto& [key, g] : groups) out.push_back(std::move(g));
    return out;
}

}  // namespace clue_router::storage::sqlite_figures
