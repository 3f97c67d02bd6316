#include "clue_router/domain/stats.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {
namespace {

using namespace std::string_view_literals;
using std::chrono::milliseconds;

constexpr std::array kGroupings{"total"sv,     "agency"sv, "province"sv, "prefecture"sv,
                                "key_group"sv, "week"sv,   "month"sv};

// "YYYY-MM-DD" as the first moment of that day in local time (UTC + offset; China has no
// daylight saving, so a fixed offset is the whole story).
std::optional<Timestamp> parse_local_date(std::string_view s, std::chrono::minutes offset) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    const auto month = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
    const auto day = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
    if (!is_valid_civil_date(year, month, day)) return std::nullopt;
    const std::chrono::sys_days d =
        std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day};
    return Timestamp(d) - offset;
}

// from / to: a date-time, or a date. A date as `to` means the end of that day.
std::optional<Timestamp> parse_bound(std::string_view s, bool end_of_day,
                                     std::chrono::minutes offset) {
    if (auto t = parse_rfc3339(s)) return t;
    if (auto d = parse_local_date(s, offset)) return end_of_day ? *d + std::chrono::days{1} : *d;
    return std::nullopt;
}

constexpr std::array kKnownParameters{"from"sv, "to"sv, "region"sv, "by"sv};

std::string one_of_groupings() {
    std::string out = "must be one of ";
    for (std::size_t i = 0; i < kGroupings.size(); ++i) {
        if (i > 0) out += ", ";
        out += kGroupings[i];
    }
    return out;
}

bool is_small(std::int64_t n) {
    return n > 0 && n < kSmallestShownCount;
}

std::string hours_text(double hours) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", hours);
    return buf;
}

}  // namespace

std::string_view to_string(StatsGrouping g) {
    return kGroupings.at(static_cast<std::size_t>(g));
}

std::optional<StatsGrouping> parse_stats_grouping(std::string_view s) {
    for (std::size_t i = 0; i < kGroupings.size(); ++i) {
        if (kGroupings[i] == s) return static_cast<StatsGrouping>(i);
    }
    return std::nullopt;
}

Expected<StatsRequest, FieldErrors> parse_stats_request(
    const std::map<std::string, std::string>& query, Timestamp now,
    std::chrono::minutes local_offset) {
    FieldErrors errors;
    StatsRequest out;
    for (const auto& [name, value] : query) {
        if (std::find(kKnownParameters.begin(), kKnownParameters.end(), name) ==
            kKnownParameters.end()) {
            // The name is ours to echo only when it is short and plain; anything else is
            // reported without it.
            const bool plain =
                name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || c == '_';
                });
            errors.push_back({plain ? "/query/" + name : "/query",
                              "is not a parameter of /v1/stats (from, to, region, by)"});
        }
    }
    std::optional<Timestamp> from;
    std::optional<Timestamp> to;
    if (auto it = query.find("to"); it != query.end()) {
        to = parse_bound(it->second, /*end_of_day=*/true, local_offset);
        if (!to) errors.push_back({"/query/to", "must be an RFC 3339 date-time or a date"});
    }
    if (auto it = query.find("from"); it != query.end()) {
        from = parse_bound(it->second, /*end_of_day=*/false, local_offset);
        if (!from) errors.push_back({"/query/from", "must be an RFC 3339 date-time or a date"});
    }
    if (auto it = query.find("region"); it != query.end()) {
        auto code = RegionCode::parse(it->second);
        if (!code) {
            errors.push_back({"/query/region", "must be a GB/T 2260 region code: " + code.error()});
        } else {
            out.region = code->str();
        }
    }
    if (auto it = query.find("by"); it != query.end()) {
        if (auto by = parse_stats_grouping(it->second)) {
            out.by = *by;
        } else {
            errors.push_back({"/query/by", one_of_groupings()});
        }
    }
    const bool bounds_parsed = !(query.contains("to") && !to) && !(query.contains("from") && !from);
    if (bounds_parsed) {
        out.to = to.value_or(now);
        out.from = from.value_or(out.to - kDefaultStatsPeriod);
        if (out.from >= out.to) {
            errors.push_back({"/query/from", "must be before to"});
        } else if (out.to - out.from > kMaxStatsPeriod) {
            errors.push_back({"/query/from", "the period may cover at most 731 days"});
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

int region_prefix_length(std::string_view code) {
    if (code.size() != 6) return 6;
    if (code.substr(2) == "0000") return 2;
    if (code.substr(4) == "00") return 4;
    return 6;
}

bool region_within(std::string_view inner, std::string_view outer) {
    if (inner.size() != 6 || outer.size() != 6) return false;
    const auto n = static_cast<std::size_t>(region_prefix_length(outer));
    return inner.substr(0, n) == outer.substr(0, n);
}

void merge_into(GroupFigures& a, const GroupFigures& b) {
    a.clues_received += b.clues_received;
    a.clues_routed += b.clues_routed;
    a.clues_sent_to_review += b.clues_sent_to_review;
    a.clues_in_review += b.clues_in_review;
    a.clues_dismissed += b.clues_dismissed;
    a.clues_answered += b.clues_answered;
    a.tickets_created += b.tickets_created;
    a.tickets_accepted += b.tickets_accepted;
    a.tickets_rejected += b.tickets_rejected;
    a.tickets_closed += b.tickets_closed;
    a.tickets_cancelled += b.tickets_cancelled;
    a.tickets_open += b.tickets_open;
    a.tickets_overdue += b.tickets_overdue;
    a.tickets_escalated += b.tickets_escalated;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) a.outcomes[i] += b.outcomes[i];
    for (std::size_t i = 0; i < kMeasureTypeCount; ++i) a.measures[i] += b.measures[i];
    a.judicial_assistance_fen += b.judicial_assistance_fen;
    a.to_accept.insert(a.to_accept.end(), b.to_accept.begin(), b.to_accept.end());
    a.to_close.insert(a.to_close.end(), b.to_close.begin(), b.to_close.end());
}

std::vector<GroupFigures> roll_up(std::vector<GroupFigures> groups, StatsGrouping by) {
    if (by != StatsGrouping::province && by != StatsGrouping::prefecture) return groups;
    std::map<std::string, GroupFigures> merged;
    for (auto& g : groups) {
        std::string key = "unknown";
        if (g.region) {
            if (auto code = RegionCode::parse(*g.region)) {
                if (by == StatsGrouping::province || code->is_municipality()) {
                    key = code->province().str();
                } else if (code->is_directly_under_province()) {
                    // A county administered by its province stands at prefecture level.
                    key = code->str();
                } else if (auto prefecture = code->prefecture()) {
                    key = prefecture->str();
                } else {
                    key = code->str();  // a province-level agency stays at its own level
                }
            }
        }
        auto [it, inserted] = merged.try_emplace(key);
        if (inserted) {
            it->second.group = key;
            it->second.region = key == "unknown" ? std::nullopt : std::optional<std::string>(key);
        }
        merge_into(it->second, g);
    }
    std::vector<GroupFigures> out;
    out.reserve(merged.size());
    for (auto& [key, g] : merged) out.push_back(std::move(g));
    return out;
}

std::optional<milliseconds> percentile(std::vector<milliseconds> values, int p) {
    if (values.empty() || p <= 0 || p > 100) return std::nullopt;
    std::sort(values.begin(), values.end());
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const auto n = values.size();
    auto rank = static_cast<std::size_t>(
        std::ceil(static_cast<double>(p) / 100.0 * static_cast<double>(n)));
    rank = std::clamp<std::size_t>(rank, 1, n);
    return values[rank - 1];
}

namespace {

std::vector<StatsColumn> build_columns() {
    std::vector<StatsColumn> c = {
        {"clues_received", ColumnKind::workload},       {"clues_routed", ColumnKind::workload},
        {"clues_sent_to_review", ColumnKind::workload}, {"clues_in_review", ColumnKind::workload},
        {"clues_dismissed", ColumnKind::workload},      {"clues_answered", ColumnKind::workload},
        {"answered_share", ColumnKind::share},          {"tickets_created", ColumnKind::workload},
        {"tickets_accepted", ColumnKind::workload},     {"tickets_rejected", ColumnKind::workload},
        {"tickets_closed", ColumnKind::workload},       {"tickets_cancelled", ColumnKind::workload},
        {"tickets_open", ColumnKind::workload},         {"tickets_overdue", ColumnKind::workload},
        {"tickets_escalated", ColumnKind::workload},
    };
    // One column per outcome and per measure type, named by the API's own vocabulary, in
    // declaration order (the last enumerator closes each range).
    for (int i = 0; i <= static_cast<int>(Outcome::referred_onward); ++i) {
        c.push_back(
            {"outcome_" + std::string(to_string(static_cast<Outcome>(i))), ColumnKind::sensitive});
    }
    for (int i = 0; i <= static_cast<int>(MeasureType::protection_order); ++i) {
        c.push_back({"measure_" + std::string(to_string(static_cast<MeasureType>(i))),
                     ColumnKind::sensitive});
    }
    c.push_back({"judicial_assistance_cny", ColumnKind::amount_fen});
    c.push_back({"hours_to_accept_median", ColumnKind::hours});
    c.push_back({"hours_to_accept_p90", ColumnKind::hours});
    c.push_back({"hours_to_close_median", ColumnKind::hours});
    c.push_back({"hours_to_close_p90", ColumnKind::hours});
    return c;
}

// Column positions the shaping code refers to.
struct Index {
    std::size_t received, answered, share, closed, first_outcome, first_measure, amount;
};

Index index_of() {
    const auto& cols = stats_columns();
    auto at = [&](std::string_view name) {
        for (std::size_t i = 0; i < cols.size(); ++i) {
            if (cols[i].name == name) return i;
        }
        return cols.size();
    };
    return {at("clues_received"),         at("clues_answered"),
            at("answered_share"),         at("tickets_closed"),
            at("outcome_assisted"),       at("measure_judicial_assistance_fund"),
            at("judicial_assistance_cny")};
}

// The raw numbers of a row, before suppression, in column order (none for derived cells).
std::vector<StatsCell> raw_cells(const GroupFigures& g) {
    auto n = [](std::int64_t v) { return StatsCell::number(static_cast<double>(v)); };
    std::vector<StatsCell> c = {
        n(g.clues_received),  n(g.clues_routed),      n(g.clues_sent_to_review),
        n(g.clues_in_review), n(g.clues_dismissed),   n(g.clues_answered),
        StatsCell::none(),  // share, computed after suppression
        n(g.tickets_created), n(g.tickets_accepted),  n(g.tickets_rejected),
        n(g.tickets_closed),  n(g.tickets_cancelled), n(g.tickets_open),
        n(g.tickets_overdue), n(g.tickets_escalated)};
    for (auto v : g.outcomes) c.push_back(n(v));
    for (auto v : g.measures) c.push_back(n(v));
    c.push_back(n(g.judicial_assistance_fen));
    // Durations need five or more values: a median of two is one woman's case, and says
    // nothing about how an agency works.
    auto hours = [](const std::vector<milliseconds>& values, int p) {
        if (static_cast<std::int64_t>(values.size()) < kSmallestShownCount)
            return StatsCell::none();
        const auto v = percentile(values, p);
        const double h = static_cast<double>(v->count()) / 3'600'000.0;
        return StatsCell::number(std::round(h * 10.0) / 10.0);
    };
    c.push_back(hours(g.to_accept, 50));
    c.push_back(hours(g.to_accept, 90));
    c.push_back(hours(g.to_close, 50));
    c.push_back(hours(g.to_close, 90));
    return c;
}

bool small_number(const StatsCell& c) {
    return c.kind == StatsCell::Kind::number && is_small(static_cast<std::int64_t>(c.value));
}

// Hides the smallest shown non-zero cell among `cells` (indices into `row`), so that one
// hidden cell cannot be recovered by subtraction from a total. Returns false when there was
// none to hide.
bool hide_smallest_other(std::vector<StatsCell*>& cells) {
    StatsCell* smallest = nullptr;
    for (auto* c : cells) {
        if (c->kind == StatsCell::Kind::number && c->value > 0 &&
            (smallest == nullptr || c->value < smallest->value)) {
            smallest = c;
        }
    }
    if (smallest == nullptr) return false;
    *smallest = StatsCell::suppressed();
    return true;
}

bool hidden_by_rule(ColumnKind kind, StatsGrouping by) {
    return kind == ColumnKind::sensitive || kind == ColumnKind::amount_fen ||
           (kind == ColumnKind::workload && by == StatsGrouping::key_group);
}

// Primary suppression: a count of 1 to 4 in a column that describes women.
void suppress_small(std::vector<StatsCell>& cells, StatsGrouping by) {
    const auto& cols = stats_columns();
    const bool describes_women = by == StatsGrouping::key_group;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto kind = cols[i].kind;
        if ((kind == ColumnKind::sensitive || (kind == ColumnKind::workload && describes_women)) &&
            small_number(cells[i])) {
            cells[i] = StatsCell::suppressed();
        }
    }
}

// Complementary suppression within a row.
void protect_row(std::vector<StatsCell>& cells, const Index& ix) {
    // Outcomes add up to tickets_closed: with exactly one outcome hidden, the others and the
    // total would give it away, so a second one goes too — or, when no other is non-zero,
    // the total itself.
    std::vector<StatsCell*> outcomes;
    int hidden = 0;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
        auto& c = cells[ix.first_outcome + i];
        outcomes.push_back(&c);
        if (c.kind == StatsCell::Kind::suppressed) ++hidden;
    }
    if (hidden == 1 && !hide_smallest_other(outcomes)) {
        cells[ix.closed] = StatsCell::suppressed();
    }
    // The amount of one or a few awards is as telling as the awards themselves.
    if (cells[ix.first_measure].kind != StatsCell::Kind::number) {
        cells[ix.amount] = StatsCell::suppressed();
    }
}

// Complementary suppression within a column: the total row shows each column's sum, so with
// exactly one group's cell hidden the total minus the others would give it away.
void protect_columns(std::vector<StatsRow>& rows, StatsGrouping by) {
    if (rows.size() < 2) return;
    const auto& cols = stats_columns();
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (!hidden_by_rule(cols[i].kind, by)) continue;
        std::vector<StatsCell*> column;
        int hidden = 0;
        for (auto& row : rows) {
            column.push_back(&row.cells[i]);
            if (row.cells[i].kind == StatsCell::Kind::suppressed) ++hidden;
        }
        if (hidden == 1) hide_smallest_other(column);
    }
}

std::size_t hidden_cells(const std::vector<StatsRow>& rows) {
    std::size_t n = 0;
    for (const auto& row : rows) {
        n += static_cast<std::size_t>(std::count_if(
            row.cells.begin(), row.cells.end(),
            [](const StatsCell& c) { return c.kind == StatsCell::Kind::suppressed; }));
    }
    return n;
}

void fill_share(std::vector<StatsCell>& cells, const Index& ix) {
    const auto& received = cells[ix.received];
    const auto& answered = cells[ix.answered];
    if (received.kind == StatsCell::Kind::number && answered.kind == StatsCell::Kind::number &&
        received.value > 0) {
        cells[ix.share] =
            StatsCell::number(std::round(answered.value / received.value * 1000.0) / 1000.0);
    } else {
        cells[ix.share] = StatsCell::none();
    }
}

nlohmann::json cell_json(const StatsColumn& col, const StatsCell& c) {
    switch (c.kind) {
        case StatsCell::Kind::suppressed:
            return std::string(kSuppressed);
        case StatsCell::Kind::none:
            return nullptr;
        case StatsCell::Kind::number:
            break;
    }
    switch (col.kind) {
        case ColumnKind::amount_fen:
            return plain_cny(static_cast<Fen>(c.value));
        case ColumnKind::hours:
        case ColumnKind::share:
            return c.value;
        case ColumnKind::workload:
        case ColumnKind::sensitive:
            break;
    }
    return static_cast<std::int64_t>(c.value);
}

std::string cell_text(const StatsColumn& col, const StatsCell& c) {
    switch (c.kind) {
        case StatsCell::Kind::suppressed:
            return std::string(kSuppressed);
        case StatsCell::Kind::none:
            return {};
        case StatsCell::Kind::number:
            break;
    }
    switch (col.kind) {
        case ColumnKind::amount_fen:
            return plain_cny(static_cast<Fen>(c.value));
        case ColumnKind::hours:
            return hours_text(c.value);
        case ColumnKind::share: {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.3f", c.value);
            return buf;
        }
        case ColumnKind::workload:
        case ColumnKind::sensitive:
            break;
    }
    return std::to_string(static_cast<std::int64_t>(c.value));
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
    return out;
}

nlohmann::json row_json(const StatsRow& row) {
    const auto& cols = stats_columns();
    nlohmann::json j = {{"group", row.group}};
    for (std::size_t i = 0; i < cols.size(); ++i)
        j[cols[i].name] = cell_json(cols[i], row.cells[i]);
    return j;
}

}  // namespace

const std::vector<StatsColumn>& stats_columns() {
    static const std::vector<StatsColumn> columns = build_columns();
    return columns;
}

StatsTable make_stats_table(std::vector<GroupFigures> groups, const GroupFigures& total,
                            StatsGrouping by) {
    const Index ix = index_of();
    StatsTable table;
    table.by = by;
    if (by != StatsGrouping::total) {
        groups = roll_up(std::move(groups), by);
        std::sort(groups.begin(), groups.end(),
                  [](const GroupFigures& a, const GroupFigures& b) { return a.group < b.group; });
        for (const auto& g : groups) {
            StatsRow row{g.group, raw_cells(g)};
            suppress_small(row.cells, by);
            table.rows.push_back(std::move(row));
        }
    }
    table.total = StatsRow{"total", raw_cells(total)};
    suppress_small(table.total.cells, StatsGrouping::total);
    protect_row(table.total.cells, ix);

    // Hiding a cell to protect a row can expose a column and the other way round: repeat
    // until nothing changes (each round hides at least one more cell, so this ends).
    for (std::size_t before = hidden_cells(table.rows) + 1; before != hidden_cells(table.rows);) {
        before = hidden_cells(table.rows);
        for (auto& row : table.rows) protect_row(row.cells, ix);
        protect_columns(table.rows, by);
    }
    for (auto& row : table.rows) fill_share(row.cells, ix);
    fill_share(table.total.cells, ix);
    return table;
}

nlohmann::json to_json(const StatsTable& table, const StatsRequest& request) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : table.rows) rows.push_back(row_json(row));
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : stats_columns()) columns.push_back(c.name);
    return {
        {"period", {{"from", format_rfc3339(request.from)}, {"to", format_rfc3339(request.to)}}},
        {"region", request.region ? nlohmann::json(*request.region) : nlohmann::json(nullptr)},
        {"by", to_string(table.by)},
        {"columns", std::move(columns)},
        {"rows", std::move(rows)},
        {"total", row_json(table.total)},
        {"suppressed_marker", std::string(kSuppressed)}};
}

std::string to_csv(const StatsTable& table) {
    const auto& cols = stats_columns();
    std::string out = csv_field(std::string(to_string(table.by)));
    for (const auto& c : cols) out += "," + csv_field(c.name);
    out += "\r\n";
    auto line = [&](const StatsRow& row) {
        out += csv_field(row.group);
        for (std::size_t i = 0; i < cols.size(); ++i)
            out += "," + csv_field(cell_text(cols[i], row.cells[i]));
        out += "\r\n";
    };
    for (const auto& row : table.rows) line(row);
    line(table.total);
    return out;
}

std::string plain_cny(Fen amount) {
    const bool negative = amount < 0;
    const Fen abs = negative ? -amount : amount;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s%lld.%02lld", negative ? "-" : "",
                  static_cast<long long>(abs / 100), static_cast<long long>(abs % 100));
    return buf;
}

}  // namespace clue_router::domain
