#include "clue_router/domain/stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kOutcomes = static_cast<std::size_t>(Outcome::referred_onward) + 1;
constexpr std::size_t kMeasures = static_cast<std::size_t>(MeasureType::protection_order) + 1;

// The counted columns, as positions in a block's sums.
enum Count : std::size_t {
    clues_received,
    clues_routed,
    clues_in_review,
    clues_dismissed,
    clues_answered,
    clues_sent_to_review,
    tickets_created,
    tickets_open,
    tickets_accepted,
    tickets_rejected,
    tickets_closed,
    tickets_cancelled,
    tickets_overdue,
    tickets_escalated,
    first_outcome,
    first_measure = first_outcome + kOutcomes,
    kCounts = first_measure + kMeasures,
};

constexpr std::size_t kFund =
    first_measure + static_cast<std::size_t>(MeasureType::judicial_assistance_fund);

enum Duration : std::size_t { to_route, to_accept, to_close, kDurations };

// Where a published column's value comes from.
struct Source {
    std::size_t count = kCounts;        // a count column: its position
    std::size_t duration = kDurations;  // an hours column: which durations
    int percentile = 0;
};

struct Column {
    StatsColumn column;
    Source source;
};

std::vector<Column> build_columns() {
    std::vector<Column> c;
    auto count = [&](std::string name, std::size_t at) {
        c.push_back({{std::move(name), ColumnKind::count}, {at}});
    };
    count("clues_received", clues_received);
    count("clues_routed", clues_routed);
    count("clues_in_review", clues_in_review);
    count("clues_dismissed", clues_dismissed);
    count("clues_answered", clues_answered);
    count("clues_sent_to_review", clues_sent_to_review);
    c.push_back({{"answered_share", ColumnKind::share}, {}});
    count("tickets_created", tickets_created);
    count("tickets_open", tickets_open);
    count("tickets_accepted", tickets_accepted);
    count("tickets_rejected", tickets_rejected);
    count("tickets_closed", tickets_closed);
    count("tickets_cancelled", tickets_cancelled);
    count("tickets_overdue", tickets_overdue);
    count("tickets_escalated", tickets_escalated);
    // One column per outcome and per measure type, named by the API's own vocabulary.
    for (std::size_t i = 0; i < kOutcomes; ++i) {
        count("outcome_" + std::string(to_string(static_cast<Outcome>(i))), first_outcome + i);
    }
    for (std::size_t i = 0; i < kMeasures; ++i) {
        count("measure_" + std::string(to_string(static_cast<MeasureType>(i))), first_measure + i);
    }
    c.push_back({{"judicial_assistance_cny", ColumnKind::amount}, {kFund}});
    for (const auto& [name, which] : {std::pair{"route", to_route}, std::pair{"accept", to_accept},
                                      std::pair{"close", to_close}}) {
        for (const auto& [suffix, p] : {std::pair{"median", 50}, std::pair{"p90", 90}}) {
            c.push_back({{"hours_to_" + std::string(name) + "_" + suffix, ColumnKind::hours},
                         {kCounts, which, p}});
        }
    }
    return c;
}

const std::vector<Column>& columns() {
    static const std::vector<Column> all = build_columns();
    return all;
}

// The count a duration is shown beside: a median is shown only where the number of tickets
// it is taken over is shown.
constexpr std::array<std::size_t, kDurations> kDurationCount{tickets_created, tickets_accepted,
                                                             tickets_closed};

// One block's true counts in one row, and the keys of the records behind each.
struct BlockSums {
    std::array<std::int64_t, kCounts> n{};
    std::array<CellKey, kCounts> key{};
    Fen amount = 0;   // judicial-assistance amounts
    Fen largest = 0;  // the largest of them
};

// A window cut into calendar blocks, and which block each of its days lies in.
struct BlockTable {
    DayRange window;
    std::vector<std::size_t> block_of_day;
    std::size_t blocks = 0;

    explicit BlockTable(DayRange w) : window(w) {
        const auto cut = calendar_blocks(w);
        blocks = cut.size();
        block_of_day.reserve(static_cast<std::size_t>(w.days()));
        for (std::size_t i = 0; i < cut.size(); ++i) {
            for (int d = 0; d < cut[i].days(); ++d) block_of_day.push_back(i);
        }
    }
};

struct RowSums {
    const BlockTable* table = nullptr;
    std::vector<std::unique_ptr<BlockSums>> blocks;
    std::array<std::vector<milliseconds>, kDurations> durations;

    BlockSums& at(LocalDay day) {
        const auto i =
            table->block_of_day.at(static_cast<std::size_t>((day - table->window.first).count()));
        if (!blocks[i]) blocks[i] = std::make_unique<BlockSums>();
        return *blocks[i];
    }
};

void add(BlockSums& b, std::size_t count, CellKey key) {
    ++b.n[count];
    b.key[count] += key;  // wraps: unsigned
}

std::string region_at(StatsDimension level, const std::string& region) {
    const auto code = RegionCode::parse(region);
    if (!code) return "unknown";
    if (level == StatsDimension::county) return code->str();
    if (level == StatsDimension::province || code->is_municipality()) {
        return code->province().str();
    }
    // A county administered by its province stands at prefecture level; a code that is itself
    // a province stays at its own level.
    if (code->is_directly_under_province()) return code->str();
    if (auto prefecture = code->prefecture()) return prefecture->str();
    return code->str();
}

std::vector<std::string> or_none(const std::vector<std::string>& values) {
    return values.empty() ? std::vector<std::string>{"none"} : values;
}

// What a record shares between clue and ticket facts, for the dimensions.
struct Place {
    LocalDay day;
    const std::string& agency;
    const std::string& region;
    const std::vector<std::string>& key_groups;
    Priority priority;
    const std::string& channel;
    bool rural;
    std::vector<std::string> purposes;
};

std::vector<std::string> values_of(StatsDimension d, const Place& p) {
    switch (d) {
        case StatsDimension::agency:
            return {p.agency};
        case StatsDimension::province:
        case StatsDimension::prefecture:
        case StatsDimension::county:
            return {region_at(d, p.region)};
        case StatsDimension::key_group:
            return or_none(p.key_groups);
        case StatsDimension::priority:
            return {std::string(to_string(p.priority))};
        case StatsDimension::channel:
            return {p.channel};
        case StatsDimension::rural:
            return {p.rural ? "rural" : "not_rural"};
        case StatsDimension::purpose:
            return or_none(p.purposes);
        case StatsDimension::week:
            return {format_local_day(week_of(p.day))};
        case StatsDimension::month:
            return {format_local_day(month_of(p.day)).substr(0, 7)};
    }
    return {"unknown"};
}

class Counter {
  public:
    Counter(const StatsRequest& request, std::chrono::minutes local_offset)
        : request_(request), offset_(local_offset) {
        total_key_.assign(request.by.size(), std::string(kStatsTotal));
        row(total_key_, request.days.first);  // the total row exists even when empty
    }

    void add_clue(const ClueFact& c) {
        const LocalDay day = local_day_of(c.received_at, offset_);
        if (!request_.days.contains(day)) return;
        const Place place{day,        c.sender_agency, c.region, c.key_groups,
                          c.priority, c.channel,       c.rural,  c.purposes};
        for (const auto& key : row_keys(place)) {
            BlockSums& b = row(key, day).at(day);
            add(b, clues_received, c.key);
            add(b, state_count(c.state), c.key);
            if (c.sent_to_review) add(b, clues_sent_to_review, c.key);
        }
    }

    void add_ticket(const TicketFact& t) {
        const LocalDay day = local_day_of(t.handed_over_at, offset_);
        if (!request_.days.contains(day)) return;
        const Place place{day,        t.recipient_agency, t.region, t.key_groups,
                          t.priority, t.channel,          t.rural,  {t.purpose}};
        for (const auto& key : row_keys(place)) {
            RowSums& r = row(key, day);
            add_ticket_counts(r.at(day), t);
            auto since_receipt = [&](Timestamp at) {
                return std::max(milliseconds{0}, at - t.received_at);
            };
            r.durations[to_route].push_back(since_receipt(t.handed_over_at));
            if (t.first_accepted_at) {
                r.durations[to_accept].push_back(since_receipt(*t.first_accepted_at));
            }
            if (t.closed_at && t.status == TicketStatus::closed) {
                r.durations[to_close].push_back(since_receipt(*t.closed_at));
            }
        }
    }

    void add_measure(const MeasureFact& m) {
        const LocalDay day = m.provided_on.value_or(local_day_of(m.recorded_at, offset_));
        if (!request_.days.contains(day)) return;
        const Place place{day,        m.recipient_agency, m.region, m.key_groups,
                          m.priority, m.channel,          m.rural,  {m.purpose}};
        const auto at = first_measure + static_cast<std::size_t>(m.type);
        for (const auto& key : row_keys(place)) {
            BlockSums& b = row(key, day).at(day);
            add(b, at, m.key);
            if (at == kFund) {
                b.amount += m.amount_fen;
                b.largest = std::max(b.largest, m.amount_fen);
            }
        }
    }

    StatsTable finish(const StatsProtection& protection) const;

  private:
    static std::size_t state_count(ClueState s) {
        switch (s) {
            case ClueState::routed:
                return clues_routed;
            case ClueState::in_review:
                return clues_in_review;
            case ClueState::dismissed:
                return clues_dismissed;
            case ClueState::answered:
                return clues_answered;
        }
        return clues_routed;
    }

    static void add_ticket_counts(BlockSums& b, const TicketFact& t) {
        add(b, tickets_created, t.key);
        switch (t.status) {
            case TicketStatus::pending:
            case TicketStatus::accepted:
            case TicketStatus::in_progress:
            case TicketStatus::on_hold:
                add(b, tickets_open, t.key);
                if (t.overdue) add(b, tickets_overdue, t.key);
                break;
            case TicketStatus::rejected:
                add(b, tickets_rejected, t.key);
                break;
            case TicketStatus::closed:
                add(b, tickets_closed, t.key);
                if (t.outcome) add(b, first_outcome + static_cast<std::size_t>(*t.outcome), t.key);
                break;
            case TicketStatus::cancelled:
                add(b, tickets_cancelled, t.key);
                break;
        }
        if (t.first_accepted_at) add(b, tickets_accepted, t.key);
        if (t.escalated) add(b, tickets_escalated, t.key);
    }

    // Every row a record counts in: each combination of its values and "total".
    std::vector<std::vector<std::string>> row_keys(const Place& place) const {
        std::vector<std::vector<std::string>> keys{{}};
        for (const auto d : request_.by) {
            auto values = values_of(d, place);
            values.emplace_back(kStatsTotal);
            std::vector<std::vector<std::string>> next;
            for (const auto& k : keys) {
                for (const auto& v : values) {
                    next.push_back(k);
                    next.back().push_back(v);
                }
            }
            keys = std::move(next);
        }
        return keys;
    }

    // The row, made on first use with the window its time value gives it: a week or month
    // row covers that week or month within the request's days.
    RowSums& row(const std::vector<std::string>& key, LocalDay day) {
        auto [it, inserted] = rows_.try_emplace(key);
        if (!inserted) return it->second;
        DayRange window = request_.days;
        for (std::size_t i = 0; i < request_.by.size(); ++i) {
            if (key[i] == kStatsTotal || !is_time_dimension(request_.by[i])) continue;
            const DayRange period = request_.by[i] == StatsDimension::week
                                        ? week_starting(week_of(day))
                                        : month_starting(month_of(day));
            window = {std::max(window.first, period.first), std::min(window.end, period.end)};
        }
        auto table = tables_.find({window.first, window.end});
        if (table == tables_.end()) {
            table = tables_.emplace(std::pair{window.first, window.end}, BlockTable(window)).first;
        }
        it->second.table = &table->second;
        it->second.blocks.resize(table->second.blocks);
        return it->second;
    }

    const StatsRequest& request_;
    std::chrono::minutes offset_;
    std::vector<std::string> total_key_;
    std::map<std::pair<LocalDay, LocalDay>, BlockTable> tables_;
    std::map<std::vector<std::string>, RowSums> rows_;
};

// A block's judicial-assistance amount follows its award count: scaled by the perturbed count
// over the true one (unbiased, since the count is; 0 beside a count published as 0), then
// moved by up to noise x 10 % of the block's largest award, so that an award published as
// "1" does not show its exact amount.
Fen block_amount(const BlockSums& b, std::int64_t published_awards, int noise) {
    const auto awards = b.n[kFund];
    if (awards == 0 || published_awards <= 0) return 0;
    const Fen scaled = static_cast<Fen>(
        std::llround(static_cast<double>(b.amount) * static_cast<double>(published_awards) /
                     static_cast<double>(awards)));
    return std::max<Fen>(0, scaled + amount_perturbation(b.largest, b.key[kFund], noise));
}

// A row's published values: each count the sum of its blocks' perturbed counts, small ones
// hidden; the amount likewise where its count is shown; shares and durations beside shown
// counts.
class Published {
  public:
    Published(const RowSums& sums, const StatsProtection& p) : sums_(sums), p_(p) {
        for (const auto& block : sums.blocks) {
            if (!block) continue;
            std::array<std::int64_t, kCounts> v{};
            for (std::size_t c = 0; c < kCounts; ++c) {
                v[c] = block->n[c] + count_perturbation(block->n[c], block->key[c], p.noise);
                value_[c] += v[c];
            }
            amount_ += block_amount(*block, v[kFund], p.noise);
        }
    }

    StatsCell cell(const Column& col) const {
        switch (col.column.kind) {
            case ColumnKind::count:
                return count(col.source.count);
            case ColumnKind::share:
                return share();
            case ColumnKind::amount:
                return amount();
            case ColumnKind::hours:
                return hours(col.source.duration, col.source.percentile);
        }
        return StatsCell::none();
    }

  private:
    StatsCell count(std::size_t c) const {
        const auto v = value_[c];
        if (v > 0 && v < p_.min_count) return StatsCell::hidden();
        return StatsCell::number(static_cast<double>(v));
    }

    StatsCell share() const {
        const auto received = count(clues_received);
        const auto answered = count(clues_answered);
        if (received.kind == StatsCell::Kind::hidden || answered.kind == StatsCell::Kind::hidden) {
            return StatsCell::hidden();
        }
        if (received.value <= 0) return StatsCell::none();
        // Perturbed, answered may exceed received by a little: a share is at most 1.
        const double share = std::min(1.0, answered.value / received.value);
        return StatsCell::number(std::round(share * 1000.0) / 1000.0);
    }

    StatsCell amount() const {
        if (count(kFund).kind == StatsCell::Kind::hidden) return StatsCell::hidden();
        const double yuan = static_cast<double>(amount_) / 100.0;
        // Perturbed amounts are shown in whole yuan: fen would claim a precision they no
        // longer have.
        return StatsCell::number(p_.noise > 0 ? std::round(yuan) : yuan);
    }

    StatsCell hours(std::size_t which, int p) const {
        const auto base = count(kDurationCount[which]);
        const auto& values = sums_.durations[which];
        if (base.kind == StatsCell::Kind::hidden) return StatsCell::hidden();
        if (values.empty() || base.value < std::max(1, p_.min_count)) return StatsCell::none();
        const auto v = percentile(values, p);
        const double h = static_cast<double>(v->count()) / 3'600'000.0;
        return StatsCell::number(std::round(h * 10.0) / 10.0);
    }

    const RowSums& sums_;
    const StatsProtection& p_;
    std::array<std::int64_t, kCounts> value_{};
    Fen amount_ = 0;
};

StatsRow publish(const std::vector<std::string>& key, const RowSums& sums,
                 const StatsProtection& p) {
    const Published published(sums, p);
    StatsRow row{key, {}};
    for (const auto& col : columns()) row.cells.push_back(published.cell(col));
    return row;
}

// "total" sorts after every value.
bool key_less(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (a[i] == b[i]) continue;
        if (a[i] == kStatsTotal) return false;
        if (b[i] == kStatsTotal) return true;
        return a[i] < b[i];
    }
    return a.size() < b.size();
}

StatsTable Counter::finish(const StatsProtection& protection) const {
    StatsTable table;
    table.by = request_.by;
    table.protection = protection;
    for (const auto& [key, sums] : rows_) {
        if (key == total_key_) {
            table.total = publish(key, sums, protection);
        } else {
            table.rows.push_back(publish(key, sums, protection));
        }
    }
    std::sort(table.rows.begin(), table.rows.end(),
              [](const StatsRow& a, const StatsRow& b) { return key_less(a.key, b.key); });
    return table;
}

}  // namespace

const std::vector<StatsColumn>& stats_columns() {
    static const std::vector<StatsColumn> all = [] {
        std::vector<StatsColumn> out;
        for (const auto& c : columns()) out.push_back(c.column);
        return out;
    }();
    return all;
}

std::size_t stats_column(std::string_view name) {
    const auto& cols = stats_columns();
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (cols[i].name == name) return i;
    }
    return cols.size();
}

StatsTable make_stats_table(const StatsFacts& facts, const StatsRequest& request,
                            const StatsProtection& protection, std::chrono::minutes local_offset) {
    Counter counter(request, local_offset);
    for (const auto& c : facts.clues) counter.add_clue(c);
    for (const auto& t : facts.tickets) counter.add_ticket(t);
    for (const auto& m : facts.measures) counter.add_measure(m);
    return counter.finish(protection);
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

}  // namespace clue_router::domain
