// Progress figures through the service: who sees which agencies' figures, and the figures
// of clues submitted and tickets moved through the real use cases.
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "clue_router/domain/stats_output.hpp"
#include "clue_router/service/stats_service.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

const std::optional<std::string> kCounty = "511702";

}  // namespace

TEST_CASE("stats scope: each role's reach", "[service][stats]") {
    const Actor admin{"k", "proc-510000", Role::admin};
    const Actor supervisor{"k", "proc-511700", Role::supervisor};
    const Actor staff{"k", "proc-511702", Role::staff};
    const Actor intake{"k", "hotline-12309-sc", Role::intake};

    auto a = stats_scope(admin, std::nullopt, std::nullopt);
    REQUIRE(a);
    CHECK_FALSE(a->region_prefix);
    CHECK_FALSE(a->agency);
    auto a2 = stats_scope(admin, std::string("440000"), std::nullopt);
    REQUIRE(a2);
    CHECK(a2->region_prefix == "44");

    auto s = stats_scope(supervisor, std::nullopt, std::string("511700"));
    REQUIRE(s);
    CHECK(s->region_prefix == "5117");
    CHECK_FALSE(s->agency);
    auto s2 = stats_scope(supervisor, kCounty, std::string("511700"));
    REQUIRE(s2);
    CHECK(s2->region_prefix == "511702");
    auto outside = stats_scope(supervisor, std::string("510104"), std::string("511700"));
    REQUIRE_FALSE(outside);
    CHECK(outside.error().kind == ErrorKind::forbidden);
    REQUIRE(outside.error().errors.size() == 1);
    CHECK(outside.error().errors[0].pointer == "/query/region");
    auto wider = stats_scope(supervisor, std::string("510000"), std::string("511700"));
    REQUIRE_FALSE(wider);
    auto homeless = stats_scope(supervisor, std::nullopt, std::nullopt);
    REQUIRE_FALSE(homeless);
    CHECK(homeless.error().kind == ErrorKind::forbidden);

    auto st = stats_scope(staff, std::nullopt, kCounty);
    REQUIRE(st);
    CHECK(st->agency == "proc-511702");
    CHECK_FALSE(st->region_prefix);
    CHECK_FALSE(stats_scope(staff, std::string("511700"), kCounty));

    auto in = stats_scope(intake, std::string("511700"), std::string("510000"));
    REQUIRE(in);
    CHECK(in->clue_sender == "hotline-12309-sc");
    CHECK(in->region_prefix == "5117");
    CHECK_FALSE(in->agency);
}

TEST_CASE("stats service: figures follow submissions and transitions, per role",
          "[service][stats]") {
    ServiceFixture f;
    // The stored directory (serve seeds it from the directory file).
    storage::write_and_wait(*f.store, [&](storage::WriteTransaction& tx) {
        for (const auto& a : f.config.get()->directory.all()) tx.upsert_agency(a);
    });
    StatsService stats(*f.store, f.clock, std::chrono::minutes(480), {0, 0});

    for (int i = 0; i < 6; ++i) {
        auto submitted = f.submit(f.hotline, clue_body("STATS-" + std::to_string(i)));
        REQUIRE(submitted);
        const auto id = ServiceFixture::only_ticket(*submitted);
        REQUIRE(f.transition(f.procuratorate, id, 1, {{"action", "accept"}}));
        if (i < 5) {
            f.clock.advance(std::chrono::hours(1));
            REQUIRE(f.transition(f.procuratorate, id, 2,
                                 {{"action", "close"}, {"outcome", "not_eligible"}}));
        }
    }
    f.clock.advance(std::chrono::hours(1));

    const Actor supervisor{"k", "proc-511700", Role::supervisor};
    auto report = stats.figures(supervisor, {{"by", "agency"}});
    REQUIRE(report);
    const auto j = domain::to_json(report->table, report->request, report->local_offset);
    INFO(j.dump(2));
    // Each clue went to the county procuratorate and the county federation.
    CHECK(j["total"]["tickets_created"] == 12);
    CHECK(j["total"]["outcome_not_eligible"] == 5);
    bool found = false;
    for (const auto& row : j["rows"]) {
        if (row["agency"] != "proc-511702") continue;
        found = true;
        CHECK(row["tickets_created"] == 6);
        CHECK(row["tickets_accepted"] == 6);
        CHECK(row["tickets_closed"] == 5);
        CHECK(row["tickets_open"] == 1);
    }
    CHECK(found);
    // The hotline sits at the province, but the women live in the prefecture: their clues
    // count here.
    CHECK(j["total"]["clues_received"] == 6);

    const Actor other_supervisor{"k", "proc-510100", Role::supervisor};
    auto other = stats.figures(other_supervisor, {});
    REQUIRE(other);
    CHECK(domain::to_json(other->table, other->request,
                          other->local_offset)["total"]["tickets_created"] == 0);

    auto mine = stats.figures(f.hotline, {});
    REQUIRE(mine);
    const auto hotline = domain::to_json(mine->table, mine->request, mine->local_offset);
    CHECK(hotline["total"]["clues_received"] == 6);
    // Every clue still has its federation ticket open.
    CHECK(hotline["total"]["clues_routed"] == 6);
    CHECK(hotline["total"]["clues_answered"] == 0);
    CHECK(hotline["total"]["tickets_created"] == 12);

    auto staff_other = stats.figures(f.other_procuratorate, {});
    REQUIRE(staff_other);
    CHECK(domain::to_json(staff_other->table, staff_other->request,
                          staff_other->local_offset)["total"]["tickets_created"] == 0);

    auto bad = stats.figures(supervisor, {{"by", "name"}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::bad_request);
    CHECK(bad.error().errors.at(0).pointer == "/query/by");
}

TEST_CASE("stats service: protected figures are the same every time they are asked",
          "[service][stats]") {
    ServiceFixture f;
    StatsService stats(*f.store, f.clock, std::chrono::minutes(480));
    for (int i = 0; i < 12; ++i) {
        REQUIRE(f.submit(f.hotline, clue_body("SAME-" + std::to_string(i))));
    }
    auto first = stats.figures(f.hotline, {{"by", "channel"}});
    auto again = stats.figures(f.hotline, {{"by", "channel"}});
    REQUIRE(first);
    REQUIRE(again);
    CHECK(first->table.total.cells == again->table.total.cells);
    CHECK(first->table.protection == domain::StatsProtection{2, 5});
    const auto received = first->table.total.cells.at(domain::stats_column("clues_received"));
    REQUIRE(received.kind == domain::StatsCell::Kind::number);
    // The 30 days ending 20 November are a handful of calendar blocks, each off by at most 2.
    CHECK(std::abs(received.value - 12) <= 2 * 8);
}

TEST_CASE("stats service: record keys are keyed by the database's secret", "[service][stats]") {
    domain::StatsFacts facts;
    facts.clues.push_back({});
    facts.clues[0].id = "0194f3c2-aaaa";
    facts.tickets.push_back({});
    facts.tickets[0].id = "0194f3c2-aaaa";  // the same id as a ticket: another key
    facts.measures.resize(2);
    facts.measures[0].id = "0194f3c2-aaaa";  // and as a measure
    facts.measures[1].id = "0194f3c2-bbbb";
    auto keyed = facts;
    assign_record_keys(keyed, "secret-a");
    auto again = facts;
    assign_record_keys(again, "secret-a");
    auto other = facts;
    assign_record_keys(other, "secret-b");
    CHECK(keyed.clues[0].key == again.clues[0].key);
    CHECK(keyed.clues[0].key != other.clues[0].key);
    CHECK(keyed.clues[0].key != keyed.tickets[0].key);
    CHECK(keyed.measures[0].key != keyed.tickets[0].key);
    CHECK(keyed.measures[0].key != keyed.measures[1].key);
    CHECK(keyed.measures[0].key == again.measures[0].key);
    CHECK(keyed.clues[0].key != 0);
}
