#pragma once
// Progress figures (GET /v1/stats): what supervisors and partners share regularly — volumes,
// delays, overdue, outcomes, aid — for whole local days, a region and one or two dimensions.
// Everything here is pure: storage reads one fact per clue and per ticket in the window
// (storage/sqlite_figures; ids, codes, statuses and times, never a clue's contents), the
// service gives each its record key, and this file counts them into cells, perturbs and
// withholds small numbers (domain/cell_key.hpp says how and why) and computes durations.
//
// What each figure counts, and the day it is dated by:
//   - clue figures: the clues whose report was *received* (source.received_at) on the
//     window's days, placed where the woman lives (the subject's region), by their status
//     now. received = routed + in_review + dismissed + answered: a clue is routed while its
//     case is open (it has tickets out, its own or its case's), answered once her case is
//     closed, so when every case of the window is finished routed is 0 and answered is all
//     that was not dismissed.
//   - ticket figures: the tickets *handed over* (created) on the window's days, placed where
//     the woman of their clue lives, by their status now; their outcomes are those recorded
//     when they closed, whenever that was. created = open + rejected + closed + cancelled;
//     closed = the sum of the outcomes.
//   - aid figures: the aid measures *provided* on the window's days (a measure's status_on,
//     or the day it was recorded as provided when no date was given), whichever ticket of
//     whichever window they were recorded on, placed where the woman of that ticket's clue
//     lives. Measures only planned, under way or declined are not aid given and not counted;
//     judicial-assistance amounts are those of the funds provided.
//   - durations: from the report's receipt to the ticket's hand-over (routing), to its first
//     acceptance and to its closing, for the ticket figures' tickets, in hours.
// A window's figures therefore never change meaning; asking again later shows the loop
// closing (and late-entered reports of those days arriving, and aid given late recorded).
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/calendar_blocks.hpp"
#include "clue_router/domain/cell_key.hpp"
#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/stats_request.hpp"
#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

// A clue's status, as the figures see it: routed while her case is open and tickets carry
// the clue, answered once the case is closed.
enum class ClueState { routed, in_review, dismissed, answered };

struct ClueFact {
    std::string id;
    CellKey key = 0;  // the record key (service/stats_service derives it from the id)
    Timestamp received_at{};
    std::string region;  // the subject's
    std::string sender_agency;
    std::string channel;
    Priority priority = Priority::low;
    bool rural = false;
    ClueState state = ClueState::routed;
    bool sent_to_review = false;          // waited in the review queue at some point
    std::vector<std::string> key_groups;  // latest screening; filled for by=key_group
    std::vector<std::string> purposes;    // of the tickets that carry it; for by=purpose
};

// An aid measure provided (ticket_measures, status provided).
struct MeasureFact {
    std::string id;
    CellKey key = 0;
    MeasureType type = MeasureType::legal_aid;
    Fen amount_fen = 0;  // judicial_assistance_fund only
    // The day it was provided, when the record says (status_on, a local date); otherwise
    // the local day of recorded_at, when it was recorded as provided.
    std::optional<LocalDay> provided_on;
    Timestamp recorded_at{};
    // Of its ticket.
    std::string recipient_agency;
    std::string purpose;
    Priority priority = Priority::low;
    // Of its ticket's clue.
    std::string region;
    std::string channel;
    bool rural = false;
    std::vector<std::string> key_groups;
};

struct TicketFact {
    std::string id;
    CellKey key = 0;
    Timestamp handed_over_at{};
    std::optional<Timestamp> first_accepted_at;
    std::optional<Timestamp> closed_at;
    std::string recipient_agency;
    std::string purpose;
    Priority priority = Priority::low;
    TicketStatus status = TicketStatus::pending;
    std::optional<Outcome> outcome;
    bool overdue = false;    // open and past a deadline now
    bool escalated = false;  // escalated to the recipient's parent
    // Of its clue (the one it was opened for).
    Timestamp received_at{};
    std::string region;
    std::string sender_agency;
    std::string channel;
    bool rural = false;
    std::vector<std::string> key_groups;
};

struct StatsFacts {
    std::vector<ClueFact> clues;
    std::vector<TicketFact> tickets;
    std::vector<MeasureFact> measures;
};

// One published cell: a number; hidden by small-number protection (null, and named in the
// row's `hidden` list); or no value (a share of nothing, a duration of no ticket).
struct StatsCell {
    enum class Kind { number, hidden, none };
    Kind kind = Kind::none;
    double value = 0;  // whole numbers for counts; yuan for amounts; hours

    static StatsCell number(double v) { return {Kind::number, v}; }
    static StatsCell hidden() { return {Kind::hidden, 0}; }
    static StatsCell none() { return {Kind::none, 0}; }
    bool operator==(const StatsCell&) const = default;
};

enum class ColumnKind { count, share, amount, hours };

struct StatsColumn {
    std::string name;
    ColumnKind kind;
};

// The columns of the published table, in order, after the dimension columns.
const std::vector<StatsColumn>& stats_columns();
// The position of a column by name; stats_columns().size() when there is none.
std::size_t stats_column(std::string_view name);

// The value a row has in a dimension that it is not split by, and the grand total's.
inline constexpr std::string_view kStatsTotal = "total";

struct StatsRow {
    std::vector<std::string> key;  // one value per dimension of the request, or "total"
    std::vector<StatsCell> cells;  // one per stats_columns() entry
};

struct StatsTable {
    std::vector<StatsDimension> by;
    // One row per combination of values that has records, and with two dimensions each
    // value's subtotal (the other dimension "total"), sorted with "total" last.
    std::vector<StatsRow> rows;
    StatsRow total;  // every record in scope, key all "total"
    StatsProtection protection;
};

// Counts the facts into the table the request asks for. Facts dated outside the request's
// days are ignored.
StatsTable make_stats_table(const StatsFacts& facts, const StatsRequest& request,
                            const StatsProtection& protection, std::chrono::minutes local_offset);

// The nearest-rank percentile (p in (0, 100]) of unsorted values; nullopt when empty.
std::optional<std::chrono::milliseconds> percentile(std::vector<std::chrono::milliseconds> values,
                                                    int p);

}  // namespace clue_router::domain
