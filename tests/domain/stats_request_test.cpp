// The question asked of GET /v1/stats: whole local days, the region, one or two dimensions,
// and every mistake named.
#include <catch2/catch.hpp>

#include <map>

#include "clue_router/domain/stats_request.hpp"

using namespace clue_router::domain;

namespace {

const Timestamp kNow = *parse_rfc3339("2026-11-23T10:00:00Z");  // 18:00 in Beijing
constexpr std::chrono::minutes kChina{480};

Expected<StatsRequest, FieldErrors> parse(std::map<std::string, std::string> q) {
    return parse_stats_request(q, kNow, kChina);
}

std::vector<std::string> pointers(const FieldErrors& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.pointer);
    return out;
}

LocalDay day(int y, unsigned m, unsigned d) {
    return LocalDay{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

}  // namespace

TEST_CASE("stats request: the default is the 30 local days ending today, one total",
          "[domain][stats]") {
    auto r = parse({});
    REQUIRE(r);
    CHECK(r->days.first == day(2026, 10, 25));
    CHECK(r->days.end == day(2026, 11, 24));  // today, 23 November, included
    CHECK(r->days.days() == 30);
    CHECK(r->by.empty());
    CHECK_FALSE(r->region);
    // Late in the UTC day it is already tomorrow in Beijing.
    auto late = parse_stats_request({}, *parse_rfc3339("2026-11-23T16:30:00Z"), kChina);
    REQUIRE(late);
    CHECK(late->days.end == day(2026, 11, 25));
}

TEST_CASE("stats request: from and to are local dates, both included", "[domain][stats]") {
    auto r = parse({{"from", "2026-11-01"}, {"to", "2026-11-30"}, {"region", "511700"}});
    REQUIRE(r);
    CHECK(r->days == DayRange{day(2026, 11, 1), day(2026, 12, 1)});
    CHECK(r->region == "511700");
    auto one = parse({{"from", "2026-11-20"}, {"to", "2026-11-20"}});
    REQUIRE(one);
    CHECK(one->days.days() == 1);
    // Only `to`: the 30 days ending then.
    auto to_only = parse({{"to", "2026-11-30"}});
    REQUIRE(to_only);
    CHECK(to_only->days.first == day(2026, 11, 1));
}

TEST_CASE("stats request: a date-time is refused, since figures cover whole days",
          "[domain][stats]") {
    // Two windows a millisecond apart subtract to what happened in that millisecond.
    auto r = parse({{"from", "2026-11-01T00:00:00Z"}, {"to", "2026-11-02T12:30:00.001+08:00"}});
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/query/to", "/query/from"});
    CHECK(r.error()[0].detail.find("whole local days") != std::string::npos);
}

TEST_CASE("stats request: one or two dimensions", "[domain][stats]") {
    auto two = parse({{"by", "key_group,prefecture"}});
    REQUIRE(two);
    CHECK(two->by ==
          std::vector<StatsDimension>{StatsDimension::key_group, StatsDimension::prefecture});
    auto total = parse({{"by", "total"}});
    REQUIRE(total);
    CHECK(total->by.empty());
    for (const char* by : {"priority", "channel", "rural", "purpose", "county", "agency", "week",
                           "month", "province", "month,channel"}) {
        INFO(by);
        CHECK(parse({{"by", by}}));
    }
    for (const char* by : {"woman", "key_group,key_group", "week,month", "channel,rural,purpose",
                           "", ",", "key_group,", "total,channel"}) {
        INFO(by);
        auto bad = parse({{"by", by}});
        REQUIRE_FALSE(bad);
        CHECK(pointers(bad.error()) == std::vector<std::string>{"/query/by"});
    }
}

TEST_CASE("stats request: each bad parameter is named, and its value never quoted",
          "[domain][stats]") {
    auto r = parse({{"from", "yesterday<script>"},
                    {"to", "2026-02-30"},
                    {"region", "999999"},
                    {"by", "woman"},
                    {"name", "王"}});
    REQUIRE_FALSE(r);
    CHECK(pointers(r.error()) == std::vector<std::string>{"/query/name", "/query/to", "/query/from",
                                                          "/query/region", "/query/by"});
    for (const auto& e : r.error()) {
        CHECK(e.detail.find("script") == std::string::npos);
        CHECK(e.detail.find("999999") == std::string::npos);
        CHECK(e.detail.find("woman") == std::string::npos);
    }

    auto backwards = parse({{"from", "2026-11-10"}, {"to", "2026-11-01"}});
    REQUIRE_FALSE(backwards);
    CHECK(pointers(backwards.error()) == std::vector<std::string>{"/query/from"});

    auto too_long = parse({{"from", "2024-10-31"}, {"to", "2026-11-01"}});
    REQUIRE_FALSE(too_long);
    CHECK(pointers(too_long.error()) == std::vector<std::string>{"/query/from"});
    CHECK(parse({{"from", "2024-11-01"}, {"to", "2026-11-01"}}));  // exactly 731 days

    // A parameter name that is not plain text is reported without it.
    auto odd = parse({{"x\"y", "1"}});
    REQUIRE_FALSE(odd);
    CHECK(pointers(odd.error()) == std::vector<std::string>{"/query"});
}

TEST_CASE("stats request: a region lies within the same code, its prefecture or its province",
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
