#pragma once
// Progress figures (GET /v1/stats): what supervisors and partners share regularly — volumes,
// delays, overdue, outcomes, aid — for a period and a region, grouped one way. Everything here
// is pure: storage counts the raw figures per group (storage/sqlite_figures), this file parses
// the question, rolls groups up, computes medians, and suppresses small counts before
// anything leaves the service.
//
// Cohort semantics: every figure is about the clues received and the tickets handed over
// within the period, as they stand now. "tickets_closed" is how many of the period's
// hand-overs are closed today, not how many closures happened in the period; so the figures
// of a period add up, and a later request for the same period shows the loop closing.
//
// Attribution: a clue counts for the agency that submitted it, a ticket for the agency it
// was handed to. "Region" always means the attributed agency's region (GB/T 2260), never the
// woman's.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

// How rows are grouped. total: one row; agency: the attributed agency; province / prefecture:
// the attributed agency's region rolled up to that level; key_group: the clue's key groups
// from its latest screening (a clue in two groups counts in both, "none" for none); week /
// month: when the clue was received or the ticket handed over, in China Standard Time
// (weeks start on Monday and are named by that date).
enum class StatsGrouping { total, agency, province, prefecture, key_group, week, month };

std::string_view to_string(StatsGrouping g);
std::optional<StatsGrouping> parse_stats_grouping(std::string_view s);

// The question, after validation.
struct StatsRequest {
    Timestamp from{};                   // inclusive
    Timestamp to{};                     // exclusive
    std::optional<std::string> region;  // a valid GB/T 2260 code, or nullopt for no filter
    StatsGrouping by = StatsGrouping::total;
};

// The longest period one request may cover, so one request cannot scan years of records.
constexpr std::chrono::days kMaxStatsPeriod{731};
// The period when `from` is absent: the 30 days before `to`.
constexpr std::chrono::days kDefaultStatsPeriod{30};

// Parses from, to, region and by from the query string. from / to: an RFC 3339 date-time,
// or a date (YYYY-MM-DD) in local time (UTC + local_offset), `to` then meaning the end of
// that day.
// Unknown parameters are refused, so a misspelt one does not silently widen the figures.
// Field errors point at /query/<name> and never quote the value sent.
Expected<StatsRequest, FieldErrors> parse_stats_request(
    const std::map<std::string, std::string>& query, Timestamp now,
    std::chrono::minutes local_offset);

// Whether the region `inner` lies within `outer` (both valid 6-digit codes): the same code,
// or a code under outer's province / prefecture.
bool region_within(std::string_view inner, std::string_view outer);
// The number of leading characters of a code that its area shares with every code inside
// it: 2 for a province, 4 for a prefecture, 6 for a county.
int region_prefix_length(std::string_view code);

// Which records a request may count, decided by the service from the caller's role.
struct StatsScope {
    std::optional<std::string> region_prefix;  // attributed agency's region starts with this
    std::optional<std::string> agency;         // clues sent by / tickets handed to this agency
    // Intake: only clues this agency submitted, and the tickets made from them.
    std::optional<std::string> clue_sender;
};

struct StatsQuery {
    Timestamp from{};
    Timestamp to{};
    StatsGrouping by = StatsGrouping::total;
    StatsScope scope;
    std::chrono::minutes local_offset{0};  // for week and month groups
};

constexpr std::size_t kOutcomeCount = 6;      // domain::Outcome's values, in order
constexpr std::size_t kMeasureTypeCount = 8;  // domain::MeasureType's values, in order

// The raw figures of one group, as storage counts them. For by=agency (and the region
// roll-ups made from it) `region` is the agency's region when the directory knows it.
struct GroupFigures {
    std::string group;
    std::optional<std::string> region;

    std::int64_t clues_received = 0;
    std::int64_t clues_routed = 0;          // at least one ticket went out
    std::int64_t clues_sent_to_review = 0;  // waited in the review queue at some point
    std::int64_t clues_in_review = 0;       // waiting there now
    std::int64_t clues_dismissed = 0;
    std::int64_t clues_answered = 0;  // every ticket finished: the loop is closed

    std::int64_t tickets_created = 0;
    std::int64_t tickets_accepted = 0;  // accepted at some point (closed ones included)
    std::int64_t tickets_rejected = 0;
    std::int64_t tickets_closed = 0;
    std::int64_t tickets_cancelled = 0;
    std::int64_t tickets_open = 0;     // pending, accepted, in progress or on hold now
    std::int64_t tickets_overdue = 0;  // open and past a deadline now
    std::int64_t tickets_escalated = 0;

    std::array<std::int64_t, kOutcomeCount> outcomes{};      // closed tickets by outcome
    std::array<std::int64_t, kMeasureTypeCount> measures{};  // measures not declined, by type
    Fen judicial_assistance_fen = 0;  // judicial_assistance_fund measures not declined

    // Hand-over to first acceptance and to closing, for the tickets that got that far.
    std::vector<std::chrono::milliseconds> to_accept;
    std::vector<std::chrono::milliseconds> to_close;
};

// Adds b's figures into a (durations are concatenated).
void merge_into(GroupFigures& a, const GroupFigures& b);

// by=province / prefecture: storage groups by agency; this rolls each agency's row up to its
// region at that level ("unknown" for an agency the directory does not know). Other
// groupings come back unchanged.
std::vector<GroupFigures> roll_up(std::vector<GroupFigures> groups, StatsGrouping by);

// The nearest-rank percentile (p in (0, 100]) of unsorted values; nullopt when empty.
std::optional<std::chrono::milliseconds> percentile(std::vector<std::chrono::milliseconds> values,
                                                    int p);

// Small counts (1 to 4) that could point at a woman are shown as this marker.
inline constexpr std::string_view kSuppressed = "<5";
constexpr std::int64_t kSmallestShownCount = 5;

// One published cell: a number, the suppression marker, or no value (a median of too few
// durations, a share of nothing).
struct StatsCell {
    enum class Kind { number, suppressed, none };
    Kind kind = Kind::none;
    double value = 0;  // whole numbers for counts and fen

    static StatsCell number(double v) { return {Kind::number, v}; }
    static StatsCell suppressed() { return {Kind::suppressed, 0}; }
    static StatsCell none() { return {Kind::none, 0}; }
    bool operator==(const StatsCell&) const = default;
};

// What a column holds, which decides how it is suppressed (docs/api.md, "Small numbers").
enum class ColumnKind {
    workload,    // counts of clues and tickets: suppressed only in rows that describe women
                 // by circumstance (by=key_group)
    sensitive,   // outcomes and aid measures: always suppressed at 1–4, with complements
    amount_fen,  // the judicial-assistance total: hidden whenever its measure count is
    hours,       // a median or p90 in hours: none below five durations
    share,       // answered / received: none when either is hidden or received is 0
};

struct StatsColumn {
    std::string name;
    ColumnKind kind;
};

// The columns of the published table, in order, after the group column.
const std::vector<StatsColumn>& stats_columns();

struct StatsRow {
    std::string group;
    std::vector<StatsCell> cells;  // one per stats_columns() entry
};

struct StatsTable {
    StatsGrouping by = StatsGrouping::total;
    std::vector<StatsRow> rows;  // sorted by group
    StatsRow total;              // every group together ("total")
};

// Shapes raw figures into the published table: rolls up, computes durations and shares,
// applies primary suppression (1–4) and complementary suppression (a hidden cell must not be
// recoverable from its row's or column's totals).
StatsTable make_stats_table(std::vector<GroupFigures> groups, const GroupFigures& total,
                            StatsGrouping by);

// {"period": {...}, "by": ..., "region": ..., "columns": [...], "rows": [{"group": ..., ...}],
//  "total": {...}, "suppression": {...}}
nlohmann::json to_json(const StatsTable& table, const StatsRequest& request);
// RFC 4180: CRLF line ends, a header row, fields quoted when they need it. The total is the
// last row, its group "total".
std::string to_csv(const StatsTable& table);

// The CNY text of an amount in fen, without grouping: "12345.67", "0.00".
std::string plain_cny(Fen amount);

}  // namespace clue_router::domain
