// Progress figures: the question's validation, region containment, roll-up, percentiles,
// small-number suppression and the JSON / CSV forms.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "clue_router/domain/stats.hpp"

using namespace clue_router::domain;
using std::chrono::milliseconds;

namespace {

const Timestamp kNow = *parse_rfc3339("2026-11-23T10:00:00Z");
constexpr std::chrono::minutes kChina{480};

Expected<StatsRequest, FieldErrors> parse(std::map<std::string, std::string> q) {
    return parse_stats_request(q, kNow, kChina);
}

std::vector<std::string> pointers(const FieldErrors& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.pointer);
    return out;
}

std::size_t column(std::string_view name) {
    const auto& cols = stats_columns();
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (cols[i].name == name) return i;
    }
    FAIL("no column " << name);
    return 0;
}

const StatsCell& cell(const StatsRow& row, std::string_view name) {
    return row.cells.at(column(name));
}

GroupFigures group(std::string name, std::int64_t tickets, std::optional<std::string> region = {}) {
    GroupFigures g;
    g.group = std::move(name);
    g.region = std::move(region);
    g.clues_received = tickets;
    g.clues_answered = tickets / 2;
    g.tickets_created = tickets;
    g.tickets_closed = tickets;
    g.outcomes[0] = tickets;  // all assisted
    return g;
}

GroupFigures total_of(const std::vector<GroupFigures>& groups) {
    GroupFigures t;
    for (const auto& g : groups) merge_into(t, g);
    return t;
}

}  // namespace

TEST_CASE("stats: the default period is the 30 days before now, grouped as one total",
          "[domain][stats]") {
    auto r = parse({});
    REQUIRE(r);
    CHECK(r->to == kNow);
    CHECK(r->to - r->from == std::chrono::days{30});
    CHECK(r->by == StatsGrouping::total);
    CHECK_FALSE(r->region);
}

TEST_CASE("stats: dates are whole local days, date-times exact", "[domain][stats]") {
    auto r =
        parse({{"from", "2026-11-01"}, {"to", "2026-11-30"}, {"by", "week"}, {"region", "511700"}});
    REQUIRE(r);
    // 2026-11-01 00:00 in China is 2026-10-31 16:00 UTC; `to` is the end of 30 November.
    CHECK(format_rfc3339(r->from) == "2026-10-31T16:00:00.000Z");
    CHECK(format_rfc3339(r->to) == "2026-11-30T16:00:00.000Z");
    CHECK(r->by == StatsGrouping::week);
    CHECK(r->region == "511700");

    auto exact = parse({{"from", "2026-11-01T00:00:00Z"}, {"to", "2026-11-02T12:30:00+08:00"}});
    REQUIRE(exact);
    CHECK(format_rfc3339(exact->from) == "2026-11-01T00:00:00.000Z");
    CHECK(format_rfc3339(exact->to) == "2026-11-02T04:30:00.000Z");
}

TEST_CASE("stats: each bad parameter is named, and its value never quoted", "[domain][stats]") {
    auto r = parse({{"from", "yesterday<script>"},
                    {"to", "2026-02-30"},
                    {"region", "999999"},
                    {"by", "woman"},
                    {"name", "王"}});
    REQUIRE_FALSE(r);
    const auto p = pointers(r.error());
    CHECK(p == std::vector<std::string>{"/query/name", "/query/to", "/query/from", "/query/region",
                                        "/query/by"});
    for (const auto& e : r.error()) {
        CHECK(e.detail.find("script") == std::string::npos);
        CHECK(e.detail.find("999999") == std::string::npos);
        CHECK(e.detail.find("woman") == std::string::npos);
    }

    auto backwards = parse({{"from", "2026-11-10"}, {"to", "2026-11-01"}});
    REQUIRE_FALSE(backwards);
    CHECK(pointers(backwards.error()) == std::vector<std::string>{"/query/from"});

    auto too_long = parse({{"from", "2020-01-01"}, {"to", "2026-11-01"}});
    REQUIRE_FALSE(too_long);
    CHECK(pointers(too_long.error()) == std::vector<std::string>{"/query/from"});

    // A parameter name that is not plain text is reported without it.
    auto odd = parse({{"x\"y", "1"}});
    REQUIRE_FALSE(odd);
    CHECK(pointers(odd.error()) == std::vector<std::string>{"/query"});
}

TEST_CASE("stats: a region lies within the same code, its prefecture or its province",
          "[domain][stats]") {
    CHECK(region_within("511702", "511702"));
    CHECK(region_within("511702", "511700"));
    CHECK(region_within("511702", "510000"));
    CHECK(region_within("511700", "510000"));
    CHECK_FALSE(region_within("510104", "511700"));
    CHECK_FALSE(region_within("511700", "511702"));
    CHECK_FALSE(region_within("510000", "511700"));
    CHECK_FALSE(region_within("440000", "510000"));
    CHECK(region_prefix_length("510000") == 2);
    CHECK(region_prefix_length("511700") == 4);
    CHECK(region_prefix_length("511702") == 6);
}

TEST_CASE("stats: agencies roll up to their prefecture or province", "[domain][stats]") {
    std::vector<GroupFigures> agencies = {
        group("proc-511702", 6, "511702"),  group("fed-511722", 7, "511722"),
        group("proc-510104", 8, "510104"),  group("proc-510000", 9, "510000"),
        group("proc-110105", 10, "110105"), group("outside", 11)};
    auto prefectures = roll_up(agencies, StatsGrouping::prefecture);
    std::map<std::string, std::int64_t> by;
    for (const auto& g : prefectures) by[g.group] = g.tickets_created;
    CHECK(by == std::map<std::string, std::int64_t>{
                    {"511700", 13}, {"510100", 8}, {"510000", 9}, {"110000", 10}, {"unknown", 11}});
    auto provinces = roll_up(agencies, StatsGrouping::province);
    by.clear();
    for (const auto& g : provinces) by[g.group] = g.tickets_created;
    CHECK(by ==
          std::map<std::string, std::int64_t>{{"510000", 30}, {"110000", 10}, {"unknown", 11}});
    CHECK(roll_up(agencies, StatsGrouping::agency).size() == agencies.size());
}

TEST_CASE("stats: nearest-rank percentiles", "[domain][stats]") {
    std::vector<milliseconds> v;
    for (int i = 10; i >= 1; --i) v.push_back(milliseconds(i * 1000));
    CHECK(percentile(v, 50) == milliseconds(5000));
    CHECK(percentile(v, 90) == milliseconds(9000));
    CHECK(percentile(v, 100) == milliseconds(10000));
    CHECK(percentile({milliseconds(7)}, 90) == milliseconds(7));
    CHECK_FALSE(percentile({}, 50));
}

TEST_CASE("stats: outcomes and measures of 1-4 are hidden, workload counts are not",
          "[domain][stats]") {
    GroupFigures g = group("proc-511702", 3, "511702");
    g.tickets_overdue = 2;
    g.measures[6] = 1;  // shelter
    g.measures[0] = 2;  // judicial assistance fund
    g.judicial_assistance_fen = 2'000'050;
    auto table = make_stats_table({g}, g, StatsGrouping::agency);
    REQUIRE(table.rows.size() == 1);
    const auto& row = table.rows[0];
    CHECK(cell(row, "tickets_created") == StatsCell::number(3));
    CHECK(cell(row, "tickets_overdue") == StatsCell::number(2));
    CHECK(cell(row, "outcome_assisted") == StatsCell::suppressed());
    CHECK(cell(row, "measure_shelter") == StatsCell::suppressed());
    CHECK(cell(row, "measure_judicial_assistance_fund") == StatsCell::suppressed());
    CHECK(cell(row, "judicial_assistance_cny") == StatsCell::suppressed());
    CHECK(cell(row, "outcome_not_eligible") == StatsCell::number(0));
    // The only outcome hidden and every other zero: tickets_closed would give it away.
    CHECK(cell(row, "tickets_closed") == StatsCell::suppressed());
    CHECK(cell(row, "answered_share") == StatsCell::number(0.333));
}

TEST_CASE("stats: a hidden outcome cannot be recovered from the row or the column",
          "[domain][stats]") {
    GroupFigures a = group("a", 20, "511702");
    a.outcomes[0] = 16;
    a.outcomes[1] = 3;  // hidden
    a.outcomes[2] = 1;  // hidden
    GroupFigures b = group("b", 30, "511722");
    b.outcomes[0] = 22;
    b.outcomes[1] = 8;
    GroupFigures c = group("c", 12, "510104");
    c.outcomes[0] = 6;
    c.outcomes[1] = 6;
    auto table = make_stats_table({a, b, c}, total_of({a, b, c}), StatsGrouping::agency);
    REQUIRE(table.rows.size() == 3);
    // Column not_eligible: a's 3 is hidden; with the total shown, one more (the smallest
    // shown, c's 6) must go.
    CHECK(cell(table.rows[0], "outcome_not_eligible") == StatsCell::suppressed());
    CHECK(cell(table.rows[2], "outcome_not_eligible") == StatsCell::suppressed());
    CHECK(cell(table.rows[1], "outcome_not_eligible") == StatsCell::number(8));
    // Column unreachable: a's 1 is hidden and nobody else has any: the total shows it as 1,
    // which is itself hidden.
    CHECK(cell(table.total, "outcome_unreachable") == StatsCell::suppressed());
    // Row c: not_eligible hidden by the column rule, so assisted goes too (closed is shown).
    CHECK(cell(table.rows[2], "outcome_assisted") == StatsCell::suppressed());
    CHECK(cell(table.rows[2], "tickets_closed") == StatsCell::number(12));
    // Every row has zero or at least two hidden outcomes, every column zero or two hidden.
    for (const auto& row : table.rows) {
        int hidden = 0;
        for (std::size_t i = 0; i < kOutcomeCount; ++i) {
            hidden += row.cells[column("outcome_assisted") + i].kind == StatsCell::Kind::suppressed;
        }
        CHECK(hidden != 1);
    }
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
        int hidden = 0;
        for (const auto& row : table.rows) {
            hidden += row.cells[column("outcome_assisted") + i].kind == StatsCell::Kind::suppressed;
        }
        // One hidden cell in a column is safe only when the total hides it as well.
        const bool total_hidden =
            table.total.cells[column("outcome_assisted") + i].kind == StatsCell::Kind::suppressed;
        CHECK((hidden != 1 || total_hidden));
    }
}

TEST_CASE("stats: grouped by key group, every small count is hidden", "[domain][stats]") {
    GroupFigures dv = group("crime_victim", 40);
    GroupFigures rare = group("elderly_unsupported", 2);
    auto table = make_stats_table({dv, rare}, total_of({dv, rare}), StatsGrouping::key_group);
    REQUIRE(table.rows.size() == 2);
    const auto& small = table.rows[1];
    REQUIRE(small.group == "elderly_unsupported");
    CHECK(cell(small, "clues_received") == StatsCell::suppressed());
    CHECK(cell(small, "tickets_created") == StatsCell::suppressed());
    CHECK(cell(small, "answered_share") == StatsCell::none());
    // The column's other cell goes too, so total minus it does not give the 2 away.
    CHECK(cell(table.rows[0], "clues_received") == StatsCell::suppressed());
    // The total is about everyone: workload shown.
    CHECK(cell(table.total, "clues_received") == StatsCell::number(42));
}

TEST_CASE("stats: durations need five tickets, and come in hours", "[domain][stats]") {
    GroupFigures g = group("proc-511702", 10, "511702");
    for (int h = 1; h <= 10; ++h) g.to_accept.push_back(std::chrono::hours(h));
    for (int h = 1; h <= 4; ++h) g.to_close.push_back(std::chrono::hours(h * 24));
    auto table = make_stats_table({}, g, StatsGrouping::total);
    CHECK(table.rows.empty());
    CHECK(cell(table.total, "hours_to_accept_median") == StatsCell::number(5));
    CHECK(cell(table.total, "hours_to_accept_p90") == StatsCell::number(9));
    CHECK(cell(table.total, "hours_to_close_median") == StatsCell::none());
}

TEST_CASE("stats: JSON and CSV carry the same table", "[domain][stats]") {
    GroupFigures g = group("proc-511702", 8, "511702");
    g.measures[0] = 5;
    g.judicial_assistance_fen = 12'345'601;  // 123,456.01 yuan
    GroupFigures h = group("fed, \"quoted\"", 6, "511702");
    auto total = total_of({g, h});
    auto table = make_stats_table({g, h}, total, StatsGrouping::agency);
    StatsRequest request;
    request.from = *parse_rfc3339("2026-11-01T00:00:00Z");
    request.to = kNow;
    request.by = StatsGrouping::agency;
    request.region = "511700";

    const auto j = to_json(table, request);
    CHECK(j["by"] == "agency");
    CHECK(j["region"] == "511700");
    CHECK(j["period"]["from"] == "2026-11-01T00:00:00.000Z");
    REQUIRE(j["rows"].size() == 2);
    const auto& first = j["rows"][1];
    CHECK(first["group"] == "proc-511702");
    CHECK(first["tickets_created"] == 8);
    CHECK(first["judicial_assistance_cny"] == "123456.01");
    CHECK(first["answered_share"] == 0.5);
    CHECK(j["total"]["tickets_created"] == 14);
    CHECK(j["columns"].size() == stats_columns().size());

    const std::string csv = to_csv(table);
    const auto first_line = csv.substr(0, csv.find("\r\n"));
    CHECK(first_line.rfind("agency,clues_received,clues_routed,", 0) == 0);
    CHECK(csv.find("\r\n\"fed, \"\"quoted\"\"\",6,") != std::string::npos);
    CHECK(csv.find("\r\nproc-511702,8,0,0,0,0,4,0.500,8,") != std::string::npos);
    CHECK(csv.find(",123456.01,") != std::string::npos);
    CHECK(csv.find("\r\ntotal,14,") != std::string::npos);
    CHECK(csv.substr(csv.size() - 2) == "\r\n");
    // Every line has as many fields as the header (no field here holds a quoted comma
    // except the one group name checked above).
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
}

TEST_CASE("stats: CNY text is exact to the fen", "[domain][stats]") {
    CHECK(plain_cny(0) == "0.00");
    CHECK(plain_cny(5) == "0.05");
    CHECK(plain_cny(3'600'000'00) == "3600000.00");
    CHECK(plain_cny(123'456'789'012) == "1234567890.12");
}
