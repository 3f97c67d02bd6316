#pragma once
// The question a caller asks GET /v1/stats: which whole local days, which region, which one
// or two dimensions; and what storage is asked for once the caller's role has set the scope.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clue_router/domain/calendar_blocks.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

// What rows are split by (docs/api.md, "Progress figures"). agency: the clue's sender for clue
// figures, the ticket's recipient for ticket figures and for the aid measures recorded on the
// ticket. province / prefecture / county: where the woman lives (the clue's subject region).
// key_group: her clue's latest screening (a clue in two groups is in both rows). priority: the
// clue's or the ticket's own. channel and rural: her clue's. purpose: the ticket's; a clue is
// in the row of each purpose a ticket carrying it has. week / month: of the day each figure is
// dated by (received, handed over, or provided).
enum class StatsDimension {
    agency,
    province,
    prefecture,
    county,
    key_group,
    priority,
    channel,
    rural,
    purpose,
    week,
    month
};

std::string_view to_string(StatsDimension d);
std::optional<StatsDimension> parse_stats_dimension(std::string_view s);
bool is_time_dimension(StatsDimension d);

struct StatsRequest {
    DayRange days;                      // whole local days
    std::optional<std::string> region;  // a valid GB/T 2260 code, or nullopt for no filter
    std::vector<StatsDimension> by;     // none (one total), one or two, distinct
};

// The longest window one request may cover, so one request cannot scan years of records.
constexpr int kMaxStatsDays = 731;
// The window when `from` is absent: the 30 days ending with `to`.
constexpr int kDefaultStatsDays = 30;
constexpr std::size_t kMaxStatsDimensions = 2;

// Parses from, to, region and by. from / to: local dates (YYYY-MM-DD), both included; `to`
// defaults to today (in local time), `from` to 29 days before `to`. A date-time is refused:
// figures cover whole days only (domain/cell_key.hpp says why). by: total, or one or two
// dimensions separated by a comma, at most one of them week or month.
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
    // The woman's region (the clue's subject region) starts with this.
    std::optional<std::string> region_prefix;
    // Staff: the clues this agency sent and the tickets handed to it.
    std::optional<std::string> agency;
    // Intake: only clues this agency submitted, and the tickets made from them.
    std::optional<std::string> clue_sender;
    bool operator==(const StatsScope&) const = default;
};

// What storage reads: clues received and tickets handed over in [from, to), and aid measures
// provided on those days, within scope. The flags ask for what only some dimensions need, so
// the rest costs nothing.
struct StatsQuery {
    Timestamp from{};
    Timestamp to{};
    DayRange days;  // the same window as local dates, for what is dated by a date
    StatsScope scope;
    bool key_groups = false;  // each clue's key groups (latest screening)
    bool purposes = false;    // each clue's ticket purposes
    bool rural = false;       // each clue's rural flag
};

}  // namespace clue_router::domain
