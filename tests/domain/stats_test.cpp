// The figures table: where and when each record counts, the dimensions, that the figures add
// up when protection is off, the durations, and that with protection on the two known
// attacks — a hidden cell from the totals, and two windows differenced — recover nothing.
// Record keys are fixed here, so every check is exact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "clue_router/domain/stats.hpp"

using namespace clue_router::domain;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

constexpr minutes kChina{480};
const StatsProtection kExact{0, 0};
const StatsProtection kProtected{2, 5};

LocalDay day(int y, unsigned m, unsigned d) {
    return LocalDay{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// Noon in Beijing on that day.
Timestamp noon(LocalDay d) {
    return start_of_local_day(d, kChina) + hours(12);
}

CellKey key_of(std::uint64_t n) {
    // SplitMix64: distinct, well-spread keys for the records of a test.
    std::uint64_t z = n * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct World {
    StatsFacts facts;
    std::uint64_t next = 1;

    // References handed out stay valid: no test adds this many records.
    World() {
        facts.clues.reserve(4096);
        facts.tickets.reserve(4096);
        facts.measures.reserve(4096);
    }

    ClueFact& clue(LocalDay received, std::string region = "511702",
                   ClueState state = ClueState::routed) {
        ClueFact c;
        c.id = "c" + std::to_string(next);
        c.key = key_of(next++);
        c.received_at = noon(received);
        c.region = std::move(region);
        c.sender_agency = "hotline-12309-sc";
        c.channel = "hotline_12309";
        c.priority = Priority::high;
        c.state = state;
        facts.clues.push_back(c);
        return facts.clues.back();
    }

    TicketFact& ticket(const ClueFact& c, TicketStatus status = TicketStatus::pending,
                       std::string recipient = "proc-511702") {
        TicketFact t;
        t.id = "t" + std::to_string(next);
        t.key = key_of(next++);
        t.handed_over_at = c.received_at + hours(1);
        t.recipient_agency = std::move(recipient);
        t.purpose = "judicial_assistance";
        t.priority = c.priority;
        t.status = status;
        t.received_at = c.received_at;
        t.region = c.region;
        t.sender_agency = c.sender_agency;
        t.channel = c.channel;
        t.rural = c.rural;
        t.key_groups = c.key_groups;
        facts.tickets.push_back(t);
        return facts.tickets.back();
    }

    // Aid provided on a ticket: on the day given, or, with none, recorded as provided when
    // the ticket closed (or was handed over).
    MeasureFact& measure(const TicketFact& t, MeasureType type, Fen amount = 0,
                         std::optional<LocalDay> on = std::nullopt) {
        MeasureFact m;
        m.id = "m" + std::to_string(next);
        m.key = key_of(next++);
        m.type = type;
        m.amount_fen = amount;
        m.provided_on = on;
        m.recorded_at = t.closed_at.value_or(t.handed_over_at);
        m.recipient_agency = t.recipient_agency;
        m.purpose = t.purpose;
        m.priority = t.priority;
        m.region = t.region;
        m.channel = t.channel;
        m.rural = t.rural;
        m.key_groups = t.key_groups;
        facts.measures.push_back(m);
        return facts.measures.back();
    }
};

StatsRequest request(LocalDay first, LocalDay last, std::vector<StatsDimension> by = {}) {
    return {{first, last + std::chrono::days{1}}, std::nullopt, std::move(by)};
}

const StatsCell& cell(const StatsRow& row, std::string_view name) {
    const auto i = stats_column(name);
    REQUIRE(i < stats_columns().size());
    return row.cells.at(i);
}

double value(const StatsRow& row, std::string_view name) {
    const auto& c = cell(row, name);
    INFO(name);
    REQUIRE(c.kind == StatsCell::Kind::number);
    return c.value;
}

const StatsRow& row_of(const StatsTable& t, std::vector<std::string> key) {
    for (const auto& r : t.rows) {
        if (r.key == key) return r;
    }
    FAIL("no row " << (key.empty() ? "" : key[0]) << (key.size() > 1 ? "," + key[1] : ""));
    return t.total;
}

// received = routed + in review + dismissed + answered; created = open + rejected + closed +
// cancelled; closed = the outcomes; overdue within open.
void check_adds_up(const StatsRow& r) {
    CHECK(value(r, "clues_received") == value(r, "clues_routed") + value(r, "clues_in_review") +
                                            value(r, "clues_dismissed") +
                                            value(r, "clues_answered"));
    CHECK(value(r, "tickets_created") == value(r, "tickets_open") + value(r, "tickets_rejected") +
                                             value(r, "tickets_closed") +
                                             value(r, "tickets_cancelled"));
    double outcomes = 0;
    for (const char* o :
         {"assisted", "not_eligible", "unreachable", "withdrawn", "duplicate", "referred_onward"}) {
        outcomes += value(r, std::string("outcome_") + o);
    }
    CHECK(value(r, "tickets_closed") == outcomes);
    CHECK(value(r, "tickets_overdue") <= value(r, "tickets_open"));
}

}  // namespace

TEST_CASE("stats: a clue counts where the woman lives, on the day her report was received",
          "[domain][stats]") {
    World w;
    // Sent by a provincial hotline about a woman in 达州 (511702); reported late on 19 November
    // in Beijing — 15:59 UTC is 23:59 local — whatever day it reached the server.
    auto& c = w.clue(day(2026, 11, 19));
    c.received_at = *parse_rfc3339("2026-11-19T15:59:00Z");
    w.clue(day(2026, 11, 20), "510104");
    auto t = make_stats_table(
        w.facts, request(day(2026, 11, 1), day(2026, 11, 19), {StatsDimension::prefecture}), kExact,
        kChina);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].key == std::vector<std::string>{"511700"});
    CHECK(value(t.rows[0], "clues_received") == 1);
    CHECK(value(t.total, "clues_received") == 1);  // the 20 November clue is outside

    auto counties = make_stats_table(
        w.facts, request(day(2026, 11, 1), day(2026, 11, 30), {StatsDimension::county}), kExact,
        kChina);
    CHECK(value(row_of(counties, {"511702"}), "clues_received") == 1);
    CHECK(value(row_of(counties, {"510104"}), "clues_received") == 1);
    auto provinces = make_stats_table(
        w.facts, request(day(2026, 11, 1), day(2026, 11, 30), {StatsDimension::province}), kExact,
        kChina);
    REQUIRE(provinces.rows.size() == 1);
    CHECK(value(row_of(provinces, {"510000"}), "clues_received") == 2);
}

TEST_CASE("stats: regions roll up as the codes say", "[domain][stats]") {
    World w;
    for (const char* region : {"110105", "429004", "441900", "510000", "999999"})
        w.clue(day(2026, 11, 2), region);
    auto t = make_stats_table(
        w.facts, request(day(2026, 11, 1), day(2026, 11, 30), {StatsDimension::prefecture}), kExact,
        kChina);
    std::map<std::string, double> by;
    for (const auto& r : t.rows) by[r.key[0]] = value(r, "clues_received");
    // A Beijing district under its municipality; a county under its province stands at
    // prefecture level; a prefecture-level city without counties; a province code stays a
    // province; a code that does not parse is "unknown".
    CHECK(by == std::map<std::string, double>{
                    {"110000", 1}, {"429004", 1}, {"441900", 1}, {"510000", 1}, {"unknown", 1}});
}

TEST_CASE("stats: with protection off, every figure adds up, in every row", "[domain][stats]") {
    World w;
    const auto d = day(2026, 11, 10);
    w.clue(d, "511702", ClueState::in_review);
    w.clue(d, "511702", ClueState::dismissed);
    auto& open = w.clue(d, "511702", ClueState::routed);
    auto& done = w.clue(d + std::chrono::days{1}, "511722", ClueState::answered);
    done.key_groups = {"crime_victim", "dv_divorce"};
    open.key_groups = {"crime_victim"};
    w.ticket(open).overdue = true;
    w.ticket(open, TicketStatus::rejected);
    auto& closed = w.ticket(done, TicketStatus::closed);
    closed.outcome = Outcome::assisted;
    closed.first_accepted_at = closed.handed_over_at + hours(2);
    closed.closed_at = closed.handed_over_at + hours(48);
    w.measure(closed, MeasureType::judicial_assistance_fund, 3'000'012);
    w.measure(closed, MeasureType::shelter);
    w.ticket(done, TicketStatus::cancelled, "fed-511722");

    auto t = make_stats_table(w.facts,
                              request(day(2026, 11, 1), day(2026, 11, 30),
                                      {StatsDimension::key_group, StatsDimension::county}),
                              kExact, kChina);
    for (const auto& r : t.rows) check_adds_up(r);
    check_adds_up(t.total);
    CHECK(value(t.total, "clues_received") == 4);
    CHECK(value(t.total, "clues_in_review") == 1);
    CHECK(value(t.total, "tickets_created") == 4);
    CHECK(value(t.total, "tickets_overdue") == 1);
    CHECK(value(t.total, "judicial_assistance_cny") == 30000.12);
    CHECK(value(t.total, "measure_shelter") == 1);
    CHECK(value(t.total, "answered_share") == 0.25);
    // A clue in two key groups counts in both rows and once in the total.
    CHECK(value(row_of(t, {"crime_victim", "total"}), "clues_received") == 2);
    CHECK(value(row_of(t, {"dv_divorce", "total"}), "clues_received") == 1);
    CHECK(value(row_of(t, {"none", "total"}), "clues_received") == 2);
    CHECK(value(row_of(t, {"crime_victim", "511722"}), "tickets_closed") == 1);
    CHECK(value(row_of(t, {"total", "511702"}), "clues_received") == 3);
    // Rows: every combination with records, each value's subtotal, "total" last.
    CHECK(t.rows.back().key == std::vector<std::string>{"total", "511722"});
    CHECK(t.total.key == std::vector<std::string>{"total", "total"});
    CHECK(t.rows.front().key == std::vector<std::string>{"crime_victim", "511702"});
}

TEST_CASE("stats: priority, channel, rural, purpose and agency", "[domain][stats]") {
    World w;
    const auto d = day(2026, 11, 10);
    auto& a = w.clue(d);
    a.rural = true;
    a.priority = Priority::urgent;
    a.purposes = {"judicial_assistance", "social_support"};
    auto& b = w.clue(d);
    b.channel = "hotline_12338";
    b.sender_agency = "hotline-12338-sc";
    w.ticket(a);
    w.ticket(a, TicketStatus::pending, "fed-511702").purpose = "social_support";
    const auto window = [&](StatsDimension dim) {
        return make_stats_table(w.facts, request(d, d, {dim}), kExact, kChina);
    };
    auto rural = window(StatsDimension::rural);
    CHECK(value(row_of(rural, {"rural"}), "clues_received") == 1);
    CHECK(value(row_of(rural, {"rural"}), "tickets_created") == 2);
    CHECK(value(row_of(rural, {"not_rural"}), "clues_received") == 1);
    auto priority = window(StatsDimension::priority);
    CHECK(value(row_of(priority, {"urgent"}), "clues_received") == 1);
    CHECK(value(row_of(priority, {"high"}), "clues_received") == 1);
    auto channel = window(StatsDimension::channel);
    CHECK(value(row_of(channel, {"hotline_12338"}), "clues_received") == 1);
    CHECK(value(row_of(channel, {"hotline_12309"}), "tickets_created") == 2);
    auto purpose = window(StatsDimension::purpose);
    CHECK(value(row_of(purpose, {"social_support"}), "clues_received") == 1);
    CHECK(value(row_of(purpose, {"social_support"}), "tickets_created") == 1);
    CHECK(value(row_of(purpose, {"none"}), "clues_received") == 1);
    // Clues count for their sender, tickets for their recipient.
    auto agency = window(StatsDimension::agency);
    CHECK(value(row_of(agency, {"hotline-12338-sc"}), "clues_received") == 1);
    CHECK(value(row_of(agency, {"hotline-12309-sc"}), "tickets_created") == 0);
    CHECK(value(row_of(agency, {"fed-511702"}), "tickets_created") == 1);
    CHECK(value(row_of(agency, {"fed-511702"}), "clues_received") == 0);
}

TEST_CASE("stats: aid counts on the day it was provided, where and for whom its ticket was",
          "[domain][stats]") {
    World w;
    auto& c = w.clue(day(2026, 10, 10));
    auto& t = w.ticket(c, TicketStatus::closed, "fed-511702");
    t.purpose = "social_support";
    t.outcome = Outcome::assisted;
    t.closed_at = noon(day(2026, 10, 20));
    // Shelter recorded as provided at closing, with no date: the day it was recorded. The
    // fund paid at a follow-up in November; counselling on 1 December.
    w.measure(t, MeasureType::shelter);
    w.measure(t, MeasureType::judicial_assistance_fund, 1'200'050, day(2026, 11, 5));
    w.measure(t, MeasureType::psychological_counselling, 0, day(2026, 12, 1));

    const auto nov = make_stats_table(
        w.facts, request(day(2026, 11, 1), day(2026, 11, 30), {StatsDimension::agency}), kExact,
        kChina);
    // November has no clue and no ticket of hers, but the aid given in it.
    CHECK(value(nov.total, "tickets_created") == 0);
    CHECK(value(nov.total, "clues_received") == 0);
    CHECK(value(nov.total, "measure_judicial_assistance_fund") == 1);
    CHECK(value(nov.total, "judicial_assistance_cny") == 12000.5);
    CHECK(value(nov.total, "measure_shelter") == 0);
    CHECK(value(nov.total, "measure_psychological_counselling") == 0);
    // It counts for the agency its ticket was handed to.
    CHECK(value(row_of(nov, {"fed-511702"}), "measure_judicial_assistance_fund") == 1);

    const auto by_month =
        make_stats_table(w.facts,
                         request(day(2026, 10, 1), day(2026, 12, 31),
                                 {StatsDimension::month, StatsDimension::purpose}),
                         kExact, kChina);
    CHECK(value(row_of(by_month, {"2026-10", "social_support"}), "measure_shelter") == 1);
    CHECK(value(row_of(by_month, {"2026-10", "social_support"}), "tickets_created") == 1);
    CHECK(value(row_of(by_month, {"2026-11", "social_support"}),
                "measure_judicial_assistance_fund") == 1);
    CHECK(value(row_of(by_month, {"2026-12", "total"}), "measure_psychological_counselling") == 1);
    CHECK(value(by_month.total, "measure_shelter") == 1);
    CHECK(value(by_month.total, "judicial_assistance_cny") == 12000.5);
}

TEST_CASE("stats: weeks and months are local, each row its own part of the window",
          "[domain][stats]") {
    World w;
    w.clue(day(2026, 11, 15));  // a Sunday: the week of 9 November
    w.clue(day(2026, 11, 16));
    w.clue(day(2026, 12, 1));
    auto weeks = make_stats_table(
        w.facts, request(day(2026, 11, 10), day(2026, 12, 3), {StatsDimension::week}), kExact,
        kChina);
    CHECK(value(row_of(weeks, {"2026-11-09"}), "clues_received") == 1);
    CHECK(value(row_of(weeks, {"2026-11-16"}), "clues_received") == 1);
    CHECK(value(row_of(weeks, {"2026-11-30"}), "clues_received") == 1);
    auto months = make_stats_table(
        w.facts, request(day(2026, 11, 10), day(2026, 12, 3), {StatsDimension::month}), kExact,
        kChina);
    CHECK(value(row_of(months, {"2026-11"}), "clues_received") == 2);
    CHECK(value(row_of(months, {"2026-12"}), "clues_received") == 1);
}

TEST_CASE("stats: durations from receipt to routing, acceptance and closing", "[domain][stats]") {
    World w;
    for (int i = 1; i <= 10; ++i) {
        auto& c = w.clue(day(2026, 11, 10));
        auto& t = w.ticket(c, i <= 6 ? TicketStatus::closed : TicketStatus::accepted);
        t.handed_over_at = c.received_at + hours(i);
        t.first_accepted_at = c.received_at + hours(10 * i);
        if (i <= 6) {
            t.closed_at = c.received_at + hours(100 * i);
            t.outcome = Outcome::assisted;
        }
    }
    auto t =
        make_stats_table(w.facts, request(day(2026, 11, 1), day(2026, 11, 30)), kExact, kChina);
    CHECK(value(t.total, "hours_to_route_median") == 5);
    CHECK(value(t.total, "hours_to_route_p90") == 9);
    CHECK(value(t.total, "hours_to_accept_median") == 50);
    CHECK(value(t.total, "hours_to_close_median") == 300);
    CHECK(value(t.total, "hours_to_close_p90") == 600);

    // With the count of closed tickets hidden, so is the time to close beside it; with no
    // ticket closed there is no time at all.
    auto few = make_stats_table(w.facts, request(day(2026, 11, 1), day(2026, 11, 30)),
                                StatsProtection{0, 7}, kChina);
    CHECK(cell(few.total, "tickets_closed") == StatsCell::hidden());
    CHECK(cell(few.total, "hours_to_close_median") == StatsCell::hidden());
    CHECK(value(few.total, "hours_to_accept_median") == 50);
    World none;
    none.ticket(none.clue(day(2026, 11, 10)));
    auto empty =
        make_stats_table(none.facts, request(day(2026, 11, 1), day(2026, 11, 30)), kExact, kChina);
    CHECK(cell(empty.total, "hours_to_close_median") == StatsCell::none());
}

TEST_CASE("stats: nearest-rank percentiles", "[domain][stats]") {
    using std::chrono::milliseconds;
    std::vector<milliseconds> v;
    for (int i = 10; i >= 1; --i) v.push_back(milliseconds(i * 1000));
    CHECK(percentile(v, 50) == milliseconds(5000));
    CHECK(percentile(v, 90) == milliseconds(9000));
    CHECK(percentile(v, 100) == milliseconds(10000));
    CHECK(percentile({milliseconds(7)}, 90) == milliseconds(7));
    CHECK_FALSE(percentile({}, 50));
}

TEST_CASE(
    "stats: protected, every number is a whole count, small ones hidden, and amounts "
    "only beside their count",
    "[domain][stats]") {
    World w;
    const auto d = day(2026, 11, 10);
    for (int i = 0; i < 40; ++i) w.clue(d + std::chrono::days{i % 20});
    auto& c = w.clue(d);
    auto& t = w.ticket(c, TicketStatus::closed);
    t.outcome = Outcome::assisted;
    w.measure(t, MeasureType::judicial_assistance_fund, 3'600'000);
    auto table =
        make_stats_table(w.facts, request(day(2026, 11, 1), day(2026, 11, 30)), kProtected, kChina);
    // November is one calendar block: its count is off by at most the noise.
    const auto received = value(table.total, "clues_received");
    CHECK(received >= 41 - 2);
    CHECK(received <= 41 + 2);
    // One award: its count is at most 3 after perturbation — hidden, or shown as 0 — and its
    // amount is shown only where the count is, and follows it (0 beside 0).
    const auto& fund = cell(table.total, "measure_judicial_assistance_fund");
    const auto& amount = cell(table.total, "judicial_assistance_cny");
    if (fund.kind == StatsCell::Kind::hidden) {
        CHECK(amount == StatsCell::hidden());
    } else {
        CHECK(fund == StatsCell::number(0));
        CHECK(amount == StatsCell::number(0));
    }
    for (const auto& cell : table.total.cells) {
        if (cell.kind == StatsCell::Kind::number) CHECK(cell.value >= 0);
    }

    // Thirty awards of 10,000 to 39,000 yuan over the month: the count is shown, and the sum
    // in whole yuan, within the noise of November's one block: the count's (at most 2 of 30)
    // and 20 % of the largest award.
    World many;
    Fen exact = 0;
    for (int i = 0; i < 30; ++i) {
        auto& t = many.ticket(many.clue(d + std::chrono::days{i % 20}), TicketStatus::closed);
        t.outcome = Outcome::assisted;
        exact += many.measure(t, MeasureType::judicial_assistance_fund, 1'000'000 + 100'000 * i)
                     .amount_fen;
    }
    auto awards = make_stats_table(many.facts, request(day(2026, 11, 1), day(2026, 11, 30)),
                                   kProtected, kChina);
    const double yuan = value(awards.total, "judicial_assistance_cny");
    CHECK(yuan == std::round(yuan));
    const double truth = static_cast<double>(exact) / 100;
    CHECK(std::abs(yuan - truth) <= truth * 2 / 30 + 0.2 * 39'000 + 1);
    CHECK(value(awards.total, "measure_judicial_assistance_fund") >= 28);
}

TEST_CASE("stats: the same records give the same figures, however they are asked for",
          "[domain][stats]") {
    World w;
    for (int i = 0; i < 30; ++i)
        w.clue(day(2026, 11, 1 + static_cast<unsigned>(i % 28)), i % 3 ? "511702" : "511722");
    const auto nov = request(day(2026, 11, 1), day(2026, 11, 30));
    auto a = make_stats_table(w.facts, nov, kProtected, kChina);
    auto b = make_stats_table(w.facts, nov, kProtected, kChina);
    CHECK(a.total.cells == b.total.cells);
    // The total of a table split by county is the same cell as the table with no split.
    auto by_county = make_stats_table(
        w.facts, request(day(2026, 11, 1), day(2026, 11, 30), {StatsDimension::county}), kProtected,
        kChina);
    CHECK(by_county.total.cells == a.total.cells);
    // Facts in another order: the same figures.
    std::reverse(w.facts.clues.begin(), w.facts.clues.end());
    CHECK(make_stats_table(w.facts, nov, kProtected, kChina).total.cells == a.total.cells);
}

// The first known attack: a hidden cell is the total minus the cells shown. County A has one
// clue, county B many; with exact figures the attack always works. Protected, the total is
// its own perturbed cell, so the subtraction leaves A's count plus two noises: over a hundred
// worlds it is wrong most of the time, and the attacker cannot tell when.
TEST_CASE("stats: a hidden cell cannot be recovered from the totals row", "[domain][stats]") {
    int recovered = 0;
    int exact_recovered = 0;
    constexpr int kWorlds = 100;
    for (int seed = 0; seed < kWorlds; ++seed) {
        World w;
        w.next = 1'000 * static_cast<std::uint64_t>(seed) + 1;
        const auto d = day(2026, 11, 20);
        w.clue(d, "511722");
        for (int i = 0; i < 12; ++i) w.clue(d, "511702");
        const auto r = request(d, d, {StatsDimension::county});
        auto attack = [&](const StatsProtection& p) {
            auto t = make_stats_table(w.facts, r, p, kChina);
            const auto& a = cell(row_of(t, {"511722"}), "clues_received");
            const double b = value(row_of(t, {"511702"}), "clues_received");
            if (a.kind == StatsCell::Kind::number) return a.value;  // shown: read it
            return value(t.total, "clues_received") - b;
        };
        exact_recovered += attack(StatsProtection{0, 5}) == 1;
        recovered += attack(kProtected) == 1;
    }
    CHECK(exact_recovered == kWorlds);  // what hiding alone gave: nothing
    // Two independent noises agree about a fifth of the time (and the single one is
    // published as 0 two times in five).
    CHECK(recovered < kWorlds / 2);
}

// The second: two windows a day apart difference to that day's count. With exact figures it
// always works. Protected, every window is a sum of fixed calendar blocks, so all the
// windows that end on the day (or start on it) give the same one or two perturbed
// differences — there is nothing to average — and those are wrong most of the time. The
// attacker is given every number (nothing withheld), the strongest position she can have.
TEST_CASE("stats: two windows a day apart difference to no day's count", "[domain][stats]") {
    int recovered = 0;
    int exact_recovered = 0;
    std::size_t most_distinct = 0;
    constexpr int kWorlds = 60;
    const auto target = day(2026, 11, 20);
    for (int seed = 0; seed < kWorlds; ++seed) {
        World w;
        w.next = 1'000'000 * static_cast<std::uint64_t>(seed + 1);
        // A county's clues over the months before, and one on the day under attack.
        for (int i = 0; i < 90; ++i) w.clue(target - std::chrono::days{1 + (i * 7 + seed) % 200});
        w.clue(target);
        auto count = [&](LocalDay first, LocalDay last, const StatsProtection& p) {
            return value(make_stats_table(w.facts, request(first, last), p, kChina).total,
                         "clues_received");
        };
        const StatsProtection noise_only{2, 0};
        std::set<double> differences;
        double sum = 0;
        int pairs = 0;
        for (int back = 1; back <= 200; back += 3) {
            const auto first = target - std::chrono::days{back};
            const double dif = count(first, target, noise_only) -
                               count(first, target - std::chrono::days{1}, noise_only);
            differences.insert(dif);
            sum += dif;
            ++pairs;
            if (back == 1) {
                exact_recovered += count(first, target, kExact) -
                                       count(first, target - std::chrono::days{1}, kExact) ==
                                   1;
            }
        }
        most_distinct = std::max(most_distinct, differences.size());
        recovered += std::lround(sum / pairs) == 1;
    }
    CHECK(exact_recovered == kWorlds);
    // Sixty-seven windows, at most a few distinct answers: one per level of the calendar
    // hierarchy that the windows' last blocks come from.
    CHECK(most_distinct <= 9);
    // The averaged difference lands on the truth only when the noises of the blocks around
    // the day happen to cancel (about one world in eight here).
    CHECK(recovered < kWorlds / 2);
}
